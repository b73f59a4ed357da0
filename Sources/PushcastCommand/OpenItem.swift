import ArgumentParser
import Foundation
import PushcastClient

/// `pushcast open CHANNEL SEQ`: hands an item's link to the browser (`$BROWSER`, else
/// `xdg-open`), or prints it when there is none.
struct OpenItem: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open an item's link in the browser.",
        discussion: "SEQ is the number 'pushcast read' shows after the channel: 'news #42' is 'pushcast open news 42'.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "The channel id.") var channel: String
    @Argument(help: "The item's sequence number.") var seq: Int64

    func run() async throws {
        let entry: PushcastAPI.LoggedEntry
        do {
            entry = try await options.api().item(channel, seq: seq)
        } catch ClientError.server(404, _, _) {
            throw StandardError.fail(ClientError.noSuchItem(channel: channel, seq: seq))
        } catch {
            throw StandardError.fail(error)
        }
        guard let browser = Self.browser() else {
            print(entry.href)
            StandardError.say("no browser found: set $BROWSER, or install xdg-utils; the link is above")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = browser + [entry.href]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            print(entry.href)
            StandardError.say("the browser could not be started; the link is above")
            return
        }
        print("opening \(entry.href)")
    }

    /// `$BROWSER` (its first entry, as a command and arguments), else `xdg-open` when on `PATH`.
    static func browser(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String]? {
        if let first = environment["BROWSER"]?.split(separator: ":").first, !first.isEmpty {
            return first.split(separator: " ").map(String.init)
        }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/xdg-open") }
            ? ["xdg-open"] : nil
    }
}
