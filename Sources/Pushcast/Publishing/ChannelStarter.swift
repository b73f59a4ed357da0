import CDF
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a channel (`pushcast new`): writes its first page, then its manifest, each whole
/// and neither over an existing file, after checking the manifest with the same loader as
/// `pushcast validate`.
public struct ChannelStarter: Sendable {
    /// The channels folder.
    public let folder: String
    public let limits: ParseLimits

    public init(folder: String, limits: ParseLimits = ParseLimits()) {
        self.folder = folder
        self.limits = limits
    }

    /// The files written: the manifest and the first page.
    public struct Written: Sendable, Hashable {
        public var manifest: String
        public var page: String
    }

    public func create(_ starter: StarterChannel) throws(PublishingError) -> Written {
        let id = starter.id
        guard ChannelID.id(forStem: id) == id, !ChannelID.manifestExtensions.contains(where: { id.hasSuffix(".\($0)") }) else {
            throw PublishingError(
                "'\(id)' cannot be a channel id: use 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, and no .cdf ending (for example '\(Self.suggestedID(for: id))').")
        }
        let directory: ChannelsDirectory
        do {
            directory = try ChannelsDirectory(path: folder)
        } catch {
            throw PublishingError(
                "There is no folder \(folder). Create it (mkdir -p \(folder)), or name the channels folder with --channels.")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            // Without the list, whether the id is taken is unknown: nothing is written.
            throw PublishingError(
                "The files in \(folder) cannot be listed, so whether '\(id)' is taken is unknown and nothing was written. Check that this user may read the folder.")
        }
        if let taken = names.sorted().first(where: { name in
            ChannelID.manifestExtensions.contains((name as NSString).pathExtension.lowercased())
                && ChannelID.stem(ofFile: name).lowercased() == id
        }) {
            throw PublishingError(
                "\(folder)/\(taken) already exists, so the channel '\(id)' is taken and nothing was written. Add items to it with `pushcast item add \(folder)/\(taken)`, or choose another name.")
        }
        let contentFolder = "\(folder)/\(id)"
        let page = "\(contentFolder)/\(StarterChannel.welcomeFile)"
        let manifest = "\(folder)/\(id).cdf"
        var info = stat()
        guard lstat(page, &info) != 0 else {
            throw PublishingError("\(page) already exists and was not overwritten. Move it away, or choose another name.")
        }
        let createdFolder = lstat(contentFolder, &info) != 0
        if createdFolder {
            guard mkdir(contentFolder, 0o755) == 0 else { throw .system("create the folder", contentFolder, errno: errno) }
        } else if info.st_mode & S_IFMT != S_IFDIR {
            throw PublishingError("\(contentFolder) is a file, not a folder. Move it away, or choose another name.")
        }
        do throws(PublishingError) {
            try AtomicFile.commit(try AtomicFile.stage(Array(starter.welcomePage.utf8), beside: page), to: page, replacing: false)
            let staged = try AtomicFile.stage(Array(starter.manifest.utf8), beside: manifest)
            let loaded = directory.loadManifest(at: staged, displayPath: manifest, limits: limits).manifest
            guard loaded.ok, loaded.mode == .strict, loaded.diagnostics.isEmpty else {
                AtomicFile.discard(staged)
                AtomicFile.discard(page)
                let reasons = loaded.diagnostics.map(\.humanReadable).joined(separator: "\n")
                throw PublishingError("The starter manifest did not validate, so nothing was written:\n\(reasons)")
            }
            do throws(PublishingError) {
                try AtomicFile.commit(staged, to: manifest, replacing: false)
            } catch {
                AtomicFile.discard(page)
                throw error
            }
        } catch {
            if createdFolder { rmdir(contentFolder) }
            throw error
        }
        return Written(manifest: manifest, page: page)
    }

    /// A valid id close to `name`: lower-cased, other characters as '-', trimmed to 64.
    static func suggestedID(for name: String) -> String {
        var id = ""
        for character in name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased() {
            let ok = character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character))
            if ok { id.append(character) } else if !id.isEmpty && id.last != "-" { id.append("-") }
        }
        for ext in ChannelID.manifestExtensions where id.hasSuffix(".\(ext)") { id.removeLast(ext.count + 1) }
        id = String(id.drop { !$0.isLetter && !$0.isNumber }.prefix(64))
        while id.last == "-" { id.removeLast() }
        return id.isEmpty ? "my-channel" : id
    }
}
