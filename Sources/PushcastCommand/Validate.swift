import ArgumentParser
import CDF
import Foundation
import Pushcast

/// `pushcast validate FILE… [--json]`: checks manifests as the server would load them (SPEC §1.5).
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check channel manifests.",
        discussion: """
            Each file is read as the server reads a manifest in its channels folder (the \
            file's own folder). Exit status: 0 when every file is ok (warnings allowed), 1 \
            when any was rejected, 2 on a usage error.
            """)

    @Argument(help: "Manifest files (.cdf or .xml).")
    var files: [String]

    @Flag(help: "Print the parsed form as JSON: one object per file, an array for several.")
    var json = false

    @Option(help: "The largest manifest accepted, in bytes.")
    var maxBytes = ParseLimits().maxBytes

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Name at least one manifest file.") }
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be positive.") }
    }

    func run() throws {
        let limits = ParseLimits(maxBytes: maxBytes)
        let manifests = files.map { file in
            let folder = (file as NSString).deletingLastPathComponent
            guard let directory = try? ChannelsDirectory(path: folder.isEmpty ? "." : folder) else {
                return Manifest(
                    file: file, id: ChannelID.stem(ofFile: file), mode: nil,
                    diagnostics: [Diagnostic(.error, .unreadable, "cannot open the folder of \(file)", file: file)],
                    channel: nil)
            }
            return directory.loadManifest(at: file, displayPath: file, limits: limits).manifest
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = manifests.count == 1 ? try encoder.encode(manifests[0]) : try encoder.encode(manifests)
            try FileHandle.standardOutput.write(contentsOf: data + Data("\n".utf8))
        } else {
            let style = TerminalStyle.forStandardOutput()
            for manifest in manifests {
                for diagnostic in manifest.diagnostics {
                    print(style.paint(diagnostic.humanReadable, as: diagnostic.severity))
                }
                print(manifest.summary)
            }
        }
        if manifests.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}
