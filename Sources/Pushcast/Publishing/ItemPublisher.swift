import CDF
import Foundation

/// Adds one ITEM to a manifest as one safe step (`pushcast item add`): a `--file` is first
/// copied into the channel's content folder; then the edited manifest is written beside the
/// old one, read back by the same loader as `pushcast validate`, and renamed over the old
/// one only if the new item loads cleanly and nothing else changed. On a refusal no file
/// is left changed.
public struct ItemPublisher: Sendable {
    public let manifestPath: String
    public let limits: ParseLimits

    public init(manifestPath: String, limits: ParseLimits = ParseLimits()) {
        self.manifestPath = manifestPath
        self.limits = limits
    }

    public func add(_ request: ItemRequest) throws(PublishingError) -> AddedItem {
        let path = manifestPath
        let folder = (path as NSString).deletingLastPathComponent
        let directory: ChannelsDirectory
        do {
            directory = try ChannelsDirectory(path: folder.isEmpty ? "." : folder)
        } catch {
            throw PublishingError("The folder of \(path) does not exist; check the path.")
        }
        guard ChannelID.manifestExtensions.contains((path as NSString).pathExtension.lowercased()) else {
            throw PublishingError("\(path) is not a manifest: give the channel's .cdf (or .xml) file, e.g. channels/news.cdf.")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw PublishingError("There is no manifest at \(path). Check the path, or start a channel with `pushcast new NAME`.")
        }
        let lock = try ManifestLock(path)
        let original = directory.loadManifest(at: path, displayPath: path, limits: limits).manifest
        let source = try ManifestSource(path: path, manifest: original)
        var entry = ItemEntry(id: request.id, href: "", title: request.title, abstract: request.abstract, lastmod: request.lastmod)
        var copy: ContentCopy?
        var copiedAs: String?
        switch request.source {
        case .href(let href):
            entry.href = href.trimmingCharacters(in: .whitespaces)
            if let problem = entry.problem { throw PublishingError(problem) }
        case .file(let file):
            let name = ContentCopy.fileName(of: file)
            entry.href = "\(original.id)/\(ContentCopy.percentEncoded(name))"
            copiedAs = "\(original.id)/\(name)"
            if let problem = entry.problem { throw PublishingError(problem) }
            copy = try ContentCopy(file, into: folder.isEmpty ? original.id : "\(folder)/\(original.id)")
        }
        do throws(PublishingError) {
            guard let edit = ManifestEditor(bytes: source.bytes).appending(entry) else {
                throw PublishingError("Cannot find the end tag </CHANNEL> in \(path); nothing was changed.")
            }
            let staged = try AtomicFile.stage(edit.bytes, beside: path)
            let candidate = directory.loadManifest(at: staged, displayPath: path, limits: limits).manifest
            let check = NewItemCheck(
                original: original, candidate: candidate,
                lines: edit.line...(edit.line + (entry.abstract == nil ? 2 : 3)))
            let item: Item
            do throws(PublishingError) {
                item = try check.item(copiedAs: copiedAs)
            } catch {
                AtomicFile.discard(staged)
                throw error
            }
            try AtomicFile.commit(staged, to: path, replacing: true)
            _ = consume lock
            return AddedItem(item: item, channel: original.id, copiedTo: copy?.path)
        } catch {
            copy?.undo()
            throw error
        }
    }
}
