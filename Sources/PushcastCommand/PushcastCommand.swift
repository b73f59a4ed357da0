import ArgumentParser
import Foundation

/// `pushcast`: the server and its client commands, in one executable (SPEC §5).
@main
struct PushcastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pushcast",
        abstract: "A channel push server in the style of CDF and PointCast.",
        version: PushcastCommand.version,
        subcommands: [
            Serve.self, Validate.self, New.self, ItemGroup.self, Channels.self, Subscribe.self, Unsubscribe.self,
            Subscriptions.self, Read.self, Ticker.self, OpenItem.self, Page.self, Compare.self,
        ])

    /// What `pushcast --version` says; raised with each release.
    static let version = "pushcast 0.6.0"

    /// Runs the command line; usage errors exit with status 2, as SPEC §1.5 asks.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
