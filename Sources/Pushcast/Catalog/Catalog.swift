import CDF
import Foundation
import Logging

/// The current set of channels (DESIGN.md step 2): for each, the last good manifest, its
/// diagnostics and its status. It re-reads a manifest when told, keeps the last good
/// version live when a new one is rejected, and retires a channel whose file is gone.
/// A manifest that loads is written to the store with the check that follows it, in that
/// check's transaction (`forCheck`, `saved`); every other change of status is written
/// to the store first.
public actor Catalog {
    /// One channel as the catalog knows it.
    public struct Entry: Sendable, Equatable {
        /// The channel id; for a file whose stem is not a valid id, that raw stem.
        public var id: String
        /// The manifest's file name in `channels/`.
        public var file: String
        public var status: ChannelStatus
        public var diagnostics: [Diagnostic]
        /// The last good manifest, if there ever was one.
        public var channel: Channel?
    }

    private let directory: ChannelsDirectory
    private let store: any Store
    private let limits: ParseLimits
    private let logger: Logger
    /// How diagnostics name manifests: the channels folder as given, then the file name.
    private let displayFolder: String
    private var entries: [String: Entry] = [:]
    /// Loads not yet written to the store, by channel id (see above).
    private var unsaved: [String: ChannelSave] = [:]

    public init(directory: ChannelsDirectory, displayFolder: String, store: any Store, limits: ParseLimits, logger: Logger) {
        self.directory = directory
        self.displayFolder = displayFolder
        self.store = store
        self.limits = limits
        self.logger = logger
    }

    /// Reads every manifest, reconciled with what the store remembers (last good versions,
    /// retired channels). Returns the ids of the channels to check. With `readingFolder`
    /// false (`--serve-only`), only what the store remembers: other nodes read the manifests.
    public func start(readingFolder: Bool = true) async throws -> Set<String> {
        let manifests = try await store.manifests()
        for record in try await store.channels() {
            entries[record.id] = entry(from: record, manifest: manifests[record.id], keeping: nil)
        }
        guard readingFolder else { return [] }
        var toCheck: Set<String> = []
        let files = Set(try manifestFiles())
        for file in files.sorted() { toCheck.formUnion(try await load(file: file, sayUnchanged: true)) }
        for entry in entries.values where !files.contains(entry.file) { try await remove(entry) }
        return toCheck
    }

    /// A channel as the store remembers it, its last good manifest parsed again from the
    /// stored bytes; a manifest that is not stored, or no longer loads, keeps `keeping`'s.
    private func entry(from record: ChannelRecord, manifest: StoredManifest?, keeping: Entry?) -> Entry {
        Entry(
            id: record.id, file: record.file, status: record.status,
            diagnostics: remembered(record) { try $0.decodedDiagnostics() } ?? [],
            channel: manifest.flatMap { channel(from: $0, of: record) } ?? keeping?.channel)
    }

    private func channel(from manifest: StoredManifest, of record: ChannelRecord) -> Channel? {
        let parsed = remembered(record) { _ in try manifest.channel(displayPath: displayFolder + "/" + record.file, limits: limits) }
        if case .some(.none) = parsed {
            logger.warning(
                "the last good manifest the database remembers of a channel does not load in this version of Pushcast; its manifest is read again from its file",
                metadata: ["channel": "\(record.id)", "file": "\(record.file)"])
        }
        return parsed ?? nil
    }

    /// What another node changed, read back from the store (`record` and its `manifest`;
    /// record nil when the channel is gone from it): this node serves every channel as the
    /// store has it, except one whose newer load this node's check has yet to write (the
    /// store is behind it, not ahead).
    public func adopt(_ record: ChannelRecord?, manifest: StoredManifest?, id: String) -> Adoption {
        guard unsaved[id] == nil else { return .unchanged }
        let before = entries[id]
        guard let record else {
            entries[id] = nil
            return before == nil ? .unchanged : .forgotten
        }
        let after = entry(from: record, manifest: manifest, keeping: before)
        guard after != before else { return .unchanged }
        entries[id] = after
        return after.status == .retired && before?.status != .retired ? .retired : .changed
    }

    /// What became of a channel that another node changed.
    public enum Adoption: Sendable, Equatable {
        case unchanged, changed, retired, forgotten
    }

    /// What the store remembers of a channel, decoded; nil, and said, when it no longer
    /// decodes (written by another version of Pushcast). The manifest's file is read again
    /// at start either way, and gives the channel its state anew.
    private func remembered<T>(_ record: ChannelRecord, _ decode: (ChannelRecord) throws -> T) -> T? {
        do {
            return try decode(record)
        } catch {
            logger.failure(
                "what the database remembers of a channel could not be read; its manifest is read again from its file", error,
                level: .warning, metadata: ["channel": "\(record.id)", "file": "\(record.file)"])
            return nil
        }
    }

    /// Re-reads the manifest `file` (a name in `channels/`) after it or its content files
    /// changed, appeared or went away. Returns the ids of the channels to check.
    public func reload(file: String) async throws -> Set<String> {
        try await load(file: file, sayUnchanged: false)
    }

    /// Reads `file` into its entry; logs and stores the outcome when it differs from what
    /// was known (always at start, `sayUnchanged`).
    private func load(file: String, sayUnchanged: Bool) async throws -> Set<String> {
        let stem = ChannelID.stem(ofFile: file)
        let id = ChannelID.id(forStem: stem) ?? stem
        let path = directory.root + "/" + file
        guard FileManager.default.fileExists(atPath: path) else {
            if let entry = entries[id], entry.file == file { try await remove(entry) }
            return []
        }
        if let existing = entries[id], existing.file != file, existing.status != .retired,
            FileManager.default.fileExists(atPath: directory.root + "/" + existing.file)
        {
            logger.warning(
                "manifest ignored: its channel id is taken", metadata: ["file": "\(file)", "channel": "\(id)", "by": "\(existing.file)"])
            return []
        }
        let loaded = directory.loadManifest(at: path, displayPath: displayFolder + "/" + file, limits: limits)
        let manifest = loaded.manifest
        let previous = entries[id]
        var entry = previous ?? Entry(id: id, file: file, status: .error, diagnostics: [], channel: nil)
        entry.file = file
        entry.diagnostics = manifest.diagnostics
        if manifest.ok, let channel = manifest.channel {
            entry.status = .ok
            entry.channel = channel
            entries[id] = entry
            if !sayUnchanged, let previous, previous.status == .ok, previous.file == file, previous.channel == channel,
                previous.diagnostics == manifest.diagnostics
            {
                return [id]
            }
            unsaved[id] = ChannelSave(
                file: file, status: .ok, diagnostics: manifest.diagnostics,
                manifest: try StoredManifest(source: loaded.source, leftOut: loaded.leftOut))
            var metadata: Logger.Metadata = [
                "channel": "\(id)", "mode": "\(manifest.mode?.rawValue ?? "-")", "items": "\(channel.items.count)",
            ]
            if !manifest.diagnostics.isEmpty { metadata["warnings"] = "\(Catalog.describe(manifest.diagnostics))" }
            logger.info("channel loaded", metadata: metadata)
            return [id]
        }
        entry.status = .error
        entries[id] = entry
        if !sayUnchanged, let previous, previous.status == .error, previous.file == file,
            previous.diagnostics == manifest.diagnostics
        {
            return []
        }
        try await save(ChannelSave(file: file, status: .error, diagnostics: manifest.diagnostics, manifest: nil), id: id)
        logger.error(
            "channel rejected",
            metadata: [
                "channel": "\(id)", "file": "\(file)",
                "errors": "\(Catalog.describe(manifest.rejections))",
                "lastGood": "\(entry.channel == nil ? "none" : "kept live")",
            ])
        return []
    }

    /// What one batch of file events changed: the channels to check, those whose manifest
    /// was read again (their pages show it), those it retired, and the error that stopped
    /// it, if one did (what was read before it stands).
    public struct Changes: Sendable {
        /// Live channels to check, in id order.
        public var toCheck: [String] = []
        /// Live channels whose manifest the batch read again (every one on a rescan).
        public var touched: [String] = []
        /// Channels the batch retired (their manifest went away).
        public var retired: [String] = []
        public var failure: (any Error)?
    }

    /// Applies a batch of file events (`paths` below `channels/`, or a rescan) in one call:
    /// the manifests among them are read again, and so are the manifests of channels that
    /// use the other paths (a `missing-file` warning ends when the file comes). The
    /// publish thread calls this once per batch, so that a publication crosses to the
    /// catalog and back once, not once per question.
    public func apply(paths: Set<String>, rescan: Bool) async -> Changes {
        let retiredBefore = Set(entries.values.lazy.filter { $0.status == .retired }.map(\.id))
        var toCheck: Set<String> = []
        var changes = Changes()
        do {
            if rescan {
                toCheck = try await self.rescan()
            } else {
                let manifests = paths.filter { !$0.contains(Character("/")) && Catalog.isManifestName($0) }
                for file in manifests.sorted() { toCheck.formUnion(try await reload(file: file)) }
                let using = channels(using: paths.subtracting(manifests))
                for id in using.sorted() {
                    if let file = entries[id]?.file, !manifests.contains(file) { _ = try await reload(file: file) }
                }
                toCheck.formUnion(using)
            }
        } catch {
            changes.failure = error
        }
        let live = checkable()
        changes.toCheck = toCheck.filter(live.contains).sorted()
        for entry in entries.values {
            if entry.status == .retired {
                if !retiredBefore.contains(entry.id) { changes.retired.append(entry.id) }
            } else if rescan || paths.contains(entry.file) {
                changes.touched.append(entry.id)
            }
        }
        changes.touched.sort()
        changes.retired.sort()
        return changes
    }

    /// A live channel's last good manifest, with its load not yet written to the store (the
    /// check that follows writes it in its transaction), or nil when there is nothing to check.
    public func forCheck(_ id: String) -> (channel: Channel, unsaved: ChannelSave?)? {
        guard let entry = entries[id], entry.status != .retired, let channel = entry.channel else { return nil }
        return (channel, unsaved[id])
    }

    /// Reads every manifest again and retires the channels whose file is gone (after the
    /// watcher lost track: a folder moved, the kernel's queue overflowed). Returns the ids
    /// of the channels to check: all live ones.
    public func rescan() async throws -> Set<String> {
        let files = Set(try manifestFiles())
        for file in files.sorted() { _ = try await reload(file: file) }
        for entry in entries.values where !files.contains(entry.file) { try await remove(entry) }
        return checkable()
    }

    /// `line:column code: message` for each diagnostic, for the log.
    static func describe(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { "\($0.line):\($0.column) \($0.code.rawValue): \($0.message)" }
    }

    /// A manifest file went away: its channel is retired if it ever loaded (its log and
    /// feed stay), and forgotten if it never did (nothing was ever published under it).
    private func remove(_ entry: Entry) async throws {
        guard entry.channel == nil else {
            if entry.status != .retired { try await retire(entry) }
            return
        }
        guard try await store.forgetChannel(id: entry.id) else {
            if entry.status != .retired { try await retire(entry) }
            return
        }
        entries[entry.id] = nil
        unsaved[entry.id] = nil
        logger.info("manifest removed; its channel never loaded, so it is forgotten", metadata: ["file": "\(entry.file)"])
    }

    /// Writes `save` at once, with the last good manifest of a load not yet written (the
    /// channel stopped loading before its check wrote it).
    private func save(_ save: ChannelSave, id: String) async throws {
        var save = save
        save.manifest = save.manifest ?? unsaved[id]?.manifest
        try await store.saveChannel(id: id, save, now: Date())
        unsaved[id] = nil
    }

    /// A check wrote `save`; a later load, if there was one, is still to be written.
    public func saved(_ save: ChannelSave, id: String) {
        if unsaved[id] == save { unsaved[id] = nil }
    }

    private func retire(_ entry: Entry) async throws {
        var retired = entry
        retired.status = .retired
        retired.diagnostics = []
        entries[entry.id] = retired
        try await save(ChannelSave(file: entry.file, status: .retired, diagnostics: [], manifest: nil), id: entry.id)
        logger.info("channel retired", metadata: ["channel": "\(entry.id)", "file": "\(entry.file)"])
    }

    public func entry(_ id: String) -> Entry? {
        entries[id]
    }

    /// Every channel, by id.
    public func all() -> [Entry] {
        entries.values.sorted { $0.id < $1.id }
    }

    /// The live channels (not retired) with a manifest to check.
    public func checkable() -> Set<String> {
        Set(entries.values.filter { $0.status != .retired && $0.channel != nil }.map(\.id))
    }

    /// The live channels whose local items use any of `paths` (paths below `channels/`,
    /// compared as written in the manifest and as resolved through symbolic links).
    /// A path as written is looked for first; items are resolved (one `locate` each) only in
    /// channels that do not name it as written.
    public func channels(using paths: Set<String>) -> Set<String> {
        let live = entries.values.filter { $0.status != .retired && $0.channel != nil }
        var result = Set(
            live.filter { entry in entry.channel?.items.contains { $0.local && paths.contains($0.href) } == true }.map(\.id))
        let resolved = Set(paths.compactMap { resolve($0) })
        for entry in live where !result.contains(entry.id) {
            if entry.channel?.items.contains(where: { $0.local && resolve($0.href).map(resolved.contains) == true }) == true {
                result.insert(entry.id)
            }
        }
        return result
    }

    private func resolve(_ relativePath: String) -> String? {
        if case .file(let real) = directory.locate(relativePath) { return real }
        return nil
    }

    /// The manifest files directly in `channels/`; throws when the folder cannot be read
    /// (rather than taking every channel for gone).
    private func manifestFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.root).filter(Catalog.isManifestName)
    }

    /// `news.cdf` or `news.xml` (any case), not hidden.
    public static func isManifestName(_ name: String) -> Bool {
        guard !name.hasPrefix("."), !name.contains(Character("/")), let dot = name.lastIndex(of: ".") else { return false }
        return ChannelID.manifestExtensions.contains(name[name.index(after: dot)...].lowercased())
    }
}
