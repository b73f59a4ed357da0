import Foundation

/// Where relative HREFs point: a remote http(s) BASE, or a folder under `channels/`.
public enum BaseLocation: Sendable, Hashable {
    case remote(URIReference)
    /// Path segments below `channels/`; empty for `channels/` itself (where manifests live).
    case local([String])

    /// How the channel JSON shows it: the URL, or the folder relative to `channels/`.
    var displayString: String {
        switch self {
        case .remote(let uri): uri.description
        case .local(let segments): segments.isEmpty ? "" : segments.joined(separator: "/") + "/"
        }
    }
}

/// An HREF after resolution: an absolute http(s) URL, or a content file below `channels/`.
public struct ResolvedHref: Sendable, Hashable {
    public var value: String
    public var local: Bool
}

/// Why an HREF could not be used; `code` is one of the item-level diagnostic codes.
struct HrefProblem: Error, Hashable {
    var code: DiagnosticCode
    var message: String
}

/// Resolves HREF and BASE values as SPEC §1.2 says: RFC 3986 against the nearest BASE,
/// else against the manifest's folder, where the result must stay inside `channels/`.
enum HrefResolver {
    static func resolve(_ raw: String, against base: BaseLocation) -> Result<ResolvedHref, HrefProblem> {
        let text = raw.trimmingASCIIWhitespace()
        guard !text.isEmpty else {
            return .failure(HrefProblem(code: .missingHref, message: "empty HREF"))
        }
        let reference = URIReference(parsing: text)
        if let scheme = reference.scheme {
            guard scheme == "http" || scheme == "https" else {
                return .failure(
                    HrefProblem(
                        code: .unsupportedScheme,
                        message: "'\(text)' uses the scheme '\(scheme):'; only http, https and local files are served"))
            }
            return remote(reference, text)
        }
        switch base {
        case .remote(let baseURI):
            return remote(reference.resolved(against: baseURI), text)
        case .local(let folder):
            return local(reference, text, in: folder).map { ResolvedHref(value: $0.joined(separator: "/"), local: true) }
        }
    }

    /// Resolves a BASE attribute: like an HREF, but the result is a location to resolve against.
    static func resolveBase(_ raw: String, against base: BaseLocation) -> Result<BaseLocation, HrefProblem> {
        let text = raw.trimmingASCIIWhitespace()
        let reference = URIReference(parsing: text)
        if reference.scheme != nil || { if case .remote = base { true } else { false } }() {
            return resolve(text, against: base).flatMap { resolved in
                .success(.remote(URIReference(parsing: resolved.value)))
            }
        }
        guard case .local(let folder) = base else { return .failure(HrefProblem(code: .badHref, message: text)) }
        if text.isEmpty { return .success(base) }
        // A local BASE names a folder: "content" and "content/" both mean channels/…/content/.
        var withSlash = reference
        if !withSlash.path.hasSuffix("/") { withSlash.path += "/" }
        return local(withSlash, text, in: folder).map { segments in .local(segments) }
    }

    private static func remote(_ uri: URIReference, _ text: String) -> Result<ResolvedHref, HrefProblem> {
        guard uri.isValidHTTPURL else {
            return .failure(HrefProblem(code: .badHref, message: "'\(text)' is not a valid http(s) URL"))
        }
        return .success(ResolvedHref(value: uri.normalized.description, local: false))
    }

    /// The segments of a local file path below `channels/`, refusing anything that leaves it.
    private static func local(_ reference: URIReference, _ text: String, in folder: [String])
        -> Result<[String], HrefProblem>
    {
        guard reference.authority == nil else {
            return .failure(
                HrefProblem(code: .badHref, message: "'\(text)' names a host but no scheme, and there is no http(s) BASE"))
        }
        // Windows-era manifests write local paths with backslashes.
        let path = reference.path.replacingOccurrences(of: "\\", with: "/")
        guard !path.hasPrefix("/") else {
            return .failure(
                HrefProblem(
                    code: .hrefOutsideChannels,
                    message: "'\(text)' is an absolute path; local content must be relative to the manifest"))
        }
        guard !path.isEmpty else {
            return .failure(HrefProblem(code: .missingHref, message: "'\(text)' names no file"))
        }
        var segments = folder
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            guard let decoded = percentDecoded(String(part)), !decoded.contains("/"), !decoded.contains("\0")
            else {
                return .failure(HrefProblem(code: .badHref, message: "'\(text)' has a malformed path segment"))
            }
            switch decoded {
            case "", ".":
                // "a//b" and "./a": nothing to add. A trailing "/" names a folder, not a file.
                if index == parts.count - 1 {
                    return .failure(HrefProblem(code: .missingHref, message: "'\(text)' names a folder, not a file"))
                }
            case "..":
                guard !segments.isEmpty else {
                    return .failure(
                        HrefProblem(code: .hrefOutsideChannels, message: "'\(text)' leaves the channels folder"))
                }
                segments.removeLast()
                if index == parts.count - 1 {
                    return .failure(HrefProblem(code: .missingHref, message: "'\(text)' names a folder, not a file"))
                }
            default:
                segments.append(decoded)
            }
        }
        guard !segments.isEmpty else {
            return .failure(HrefProblem(code: .missingHref, message: "'\(text)' names no file"))
        }
        return .success(segments)
    }

    /// `%41` → `A`; nil when an escape is malformed or the bytes are not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
