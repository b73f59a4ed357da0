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
        if case .local(let folder) = base, isPlainPath(text) {
            let value = folder.isEmpty ? text : folder.joined(separator: "/") + "/" + text
            return .success(ResolvedHref(value: value, local: true))
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
            return local(reference, text, in: folder).flatMap { path in
                guard !path.isFolder, !path.segments.isEmpty else {
                    return .failure(HrefProblem(code: .missingHref, message: "'\(text)' names a folder, not a file"))
                }
                return .success(ResolvedHref(value: path.segments.joined(separator: "/"), local: true))
            }
        }
    }

    /// Resolves a BASE attribute: like an HREF, but the result is a location to resolve
    /// against. As RFC 3986 has it, `content/` names a folder and `content` a document
    /// whose references resolve beside it.
    static func resolveBase(_ raw: String, against base: BaseLocation) -> Result<BaseLocation, HrefProblem> {
        let text = raw.trimmingASCIIWhitespace()
        let reference = URIReference(parsing: text)
        if case .local(let folder) = base, reference.scheme == nil {
            guard !text.isEmpty else { return .success(base) }
            return local(reference, text, in: folder).map { path in
                .local(path.isFolder ? path.segments : Array(path.segments.dropLast()))
            }
        }
        return resolve(text, against: base).map { .remote(URIReference(parsing: $0.value)) }
    }

    private static func remote(_ uri: URIReference, _ text: String) -> Result<ResolvedHref, HrefProblem> {
        guard uri.isValidHTTPURL else {
            return .failure(HrefProblem(code: .badHref, message: "'\(text)' is not a valid http(s) URL"))
        }
        return .success(ResolvedHref(value: uri.normalized.description, local: false))
    }

    /// Whether `text` is a plain relative path to a file: segments of letters, digits and
    /// `-_.~`, none empty, `.` or `..`. Such an HREF (`news/1.html`, nearly every local item
    /// of every load) resolves against a local folder to that folder and itself, as `local`
    /// would find after parsing it as a URI reference; it is checked byte by byte instead.
    private static func isPlainPath(_ text: String) -> Bool {
        var length = 0
        var onlyDots = true
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "/"):
                guard length > 0, !(onlyDots && length <= 2) else { return false }
                length = 0
                onlyDots = true
            case UInt8(ascii: "."):
                length += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                length += 1
                onlyDots = false
            default:
                return false
            }
        }
        return length > 0 && !(onlyDots && length <= 2)
    }

    /// A local path below `channels/`, as segments, and whether it ends in `/` (a folder).
    private struct LocalPath {
        var segments: [String]
        var isFolder: Bool
    }

    /// Resolves a local path against `folder`, refusing anything that leaves `channels/`.
    private static func local(_ reference: URIReference, _ text: String, in folder: [String])
        -> Result<LocalPath, HrefProblem>
    {
        guard reference.authority == nil else {
            return .failure(
                HrefProblem(code: .badHref, message: "'\(text)' names a host but no scheme, and there is no http(s) BASE"))
        }
        // Windows-era manifests write local paths with backslashes. (Bytes are searched, not
        // Foundation's string ranges: every item of every load passes here.)
        let path =
            reference.path.utf8.contains(UInt8(ascii: "\\"))
            ? String(reference.path.map { $0 == "\\" ? "/" : $0 }) : reference.path
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
        var isFolder = false
        for part in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard let decoded = percentDecoded(String(Substring(part))), !decoded.utf8.contains(where: { $0 == 0x2F || $0 == 0 })
            else {
                return .failure(HrefProblem(code: .badHref, message: "'\(text)' has a malformed path segment"))
            }
            isFolder = true
            switch decoded {
            case "", ".":
                break
            case "..":
                guard !segments.isEmpty else {
                    return .failure(
                        HrefProblem(code: .hrefOutsideChannels, message: "'\(text)' leaves the channels folder"))
                }
                segments.removeLast()
            default:
                segments.append(decoded)
                isFolder = false
            }
        }
        return .success(LocalPath(segments: segments, isFolder: isFolder))
    }

    /// `%41` → `A`; nil when an escape is malformed or the bytes are not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
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
