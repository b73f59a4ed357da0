import CDF
import Foundation

/// The verdict on an edited manifest before it replaces the old one: it must load as
/// cleanly as before, keep every old item, and have the new item, at the lines it was
/// written to, with no problem of its own.
struct NewItemCheck {
    let original: Manifest
    /// The edited manifest, read by the same loader as `pushcast validate`.
    let candidate: Manifest
    /// The lines the new ITEM occupies in the candidate.
    let lines: ClosedRange<Int>

    /// The new item as it loads; `copiedAs` is the channels-relative path of a `--file`
    /// copy, which its HREF must name.
    func item(copiedAs: String?) throws(PublishingError) -> Item {
        let path = candidate.file
        guard candidate.ok, candidate.mode == .strict, let channel = candidate.channel else {
            let reasons = candidate.diagnostics.filter { $0.severity == .error }.map(\.message).joined(separator: "; ")
            throw PublishingError("With the new item, \(path) would not load (\(reasons)). Nothing was changed.")
        }
        let introduced = candidate.diagnostics.filter { lines.contains($0.line) }
        guard let item = channel.items.first(where: { $0.line.map(lines.contains) ?? false }) else {
            if let duplicate = introduced.first(where: { $0.code == .duplicateItem }) {
                throw PublishingError(
                    "The manifest already has an item with this identity (\(duplicate.message)). Nothing was changed: give the new item a different --id or HREF, or edit the existing one.")
            }
            let reasons = introduced.map { $0.message.replacingOccurrences(of: "ITEM left out: ", with: "") }
            throw PublishingError("The new item would be left out: \(reasons.joined(separator: "; ")). Nothing was changed.")
        }
        let kept = channel.items.filter { $0.line.map { !lines.contains($0) } ?? true }.map(\.id)
        guard kept == original.channel?.items.map(\.id) else {
            throw PublishingError("With the new item, \(path) would no longer list its other items as before. Nothing was changed.")
        }
        if let twin = original.channel?.items.first(where: { $0.href == item.href }) {
            throw PublishingError(
                "The item at line \(twin.line ?? 1) already points to \(item.href). Nothing was changed: edit that item, or point the new one elsewhere.")
        }
        if let problem = introduced.first {
            let hint =
                problem.code == .missingFile
                ? " Put the file in the channels folder first, or give it with --file, which copies it there." : ""
            throw PublishingError("The new item has a problem: \(problem.message). Nothing was changed.\(hint)")
        }
        if let copiedAs, !item.local || item.href != copiedAs {
            throw PublishingError(
                "This channel's BASE makes the copied file's HREF lead to \(item.href), not to \(copiedAs). Nothing was changed: add the item with --href instead.")
        }
        return item
    }
}
