import CDF
import Foundation

/// The bytes of a manifest that `pushcast item add` may edit as text: it loads cleanly in
/// strict mode (no legacy repair, whose result a text edit could change) and is UTF-8, the
/// encoding new items are written in.
struct ManifestSource {
    let bytes: [UInt8]

    init(path: String, manifest: Manifest) throws(PublishingError) {
        guard manifest.ok, manifest.channel != nil else {
            let reasons = manifest.rejections.map { "  " + $0.humanReadable }.joined(separator: "\n")
            throw PublishingError(
                "\(path) is rejected by the validator. Nothing was changed: fix what `pushcast validate \(path)` reports first.\n\(reasons)")
        }
        guard manifest.mode == .strict else {
            let repair = manifest.diagnostics.first { $0.code == .legacySyntax }.map { " (\($0.humanReadable))" } ?? ""
            throw PublishingError(
                "\(path) is not well-formed XML and loads only after legacy repair\(repair). Nothing was changed: make it well-formed first, then add the item.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PublishingError("Cannot read \(path); check its permissions. Nothing was changed.")
        }
        bytes = [UInt8](data)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw PublishingError("\(path) is not UTF-8, and new items are written in UTF-8. Nothing was changed: convert the file to UTF-8 first.")
        }
        if let declared = Self.declaredEncoding(bytes), !["utf-8", "utf8"].contains(declared.lowercased()) {
            throw PublishingError(
                "\(path) declares encoding=\"\(declared)\", and new items are written in UTF-8. Nothing was changed: convert the file to UTF-8 and declare encoding=\"UTF-8\" first.")
        }
    }

    /// The `encoding` of the XML declaration, if the file starts with one that names it.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let head = String(decoding: bytes[start...].prefix(200), as: UTF8.self)
        guard head.hasPrefix("<?xml"), let close = head.range(of: "?>") else { return nil }
        let declaration = head[..<close.lowerBound]
        guard let name = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[name.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }
}
