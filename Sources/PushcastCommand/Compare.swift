import ArgumentParser
import Foundation
import PushcastClient

/// `pushcast compare`: push and pull side by side on a live server (SPEC §5).
struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare push with pull: a stream reader and RSS pollers on one channel.",
        discussion: """
            Reads the channel for --duration seconds with one push reader (the multipart \
            stream) and --pollers RSS pollers (conditional GET every --poll-interval \
            seconds), then prints each side's delivery delay (from the server's logging of \
            an item to a reader having it), requests and bytes per delivered item. With \
            --publish-demo, ID is a scratch channel that this command creates in --channels \
            (the server's folder), adds an item to about every second, and removes at the end.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The channel to read (with --publish-demo, the scratch channel's id).")
    var id: String

    @Option(help: "Seconds to run.")
    var duration = 30.0

    @Option(help: "Seconds between one poller's requests.")
    var pollInterval = 1.0

    @Option(help: "How many RSS pollers.")
    var pollers = 1

    @Flag(help: "Publish demo items to a scratch channel named ID while comparing.")
    var publishDemo = false

    @Option(help: "The server's channels folder, for --publish-demo.")
    var channels = EnvironmentDefault.string("PUSHCAST_CHANNELS", "channels")

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard duration >= 2, duration <= 3600 else { throw ValidationError("--duration must be from 2 to 3600 seconds.") }
        guard pollInterval >= 0.05, pollInterval < duration else {
            throw ValidationError("--poll-interval must be at least 0.05 s and shorter than --duration.")
        }
        guard (1...1000).contains(pollers) else { throw ValidationError("--pollers must be from 1 to 1000.") }
        guard id.range(of: "^[a-z0-9][a-z0-9-]{0,63}$", options: .regularExpression) != nil else {
            throw ValidationError("'\(id)' is not a channel id (lower-case letters, digits and '-').")
        }
        if publishDemo {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: channels, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("--publish-demo writes into the server's channels folder; '\(channels)' is not a folder.")
            }
        }
    }

    func run() async throws {
        let api: PushcastAPI
        do {
            api = try await client.api()
        } catch {
            throw StandardError.fail(error)
        }
        let comparison = ComparisonRun(
            api: api, channel: id, duration: duration, pollInterval: pollInterval, pollers: pollers,
            demoFolder: publishDemo ? URL(fileURLWithPath: channels) : nil)
        if !json {
            print("Comparing for \(Int(duration)) s …")
        }
        do {
            let report = try await comparison.run()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.table)
            }
        } catch {
            throw StandardError.fail(error)
        }
    }
}
