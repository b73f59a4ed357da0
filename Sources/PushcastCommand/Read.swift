import ArgumentParser
import Foundation
import PushcastClient
import Synchronization

/// `pushcast read [ID…] [--since SEQ] [--once] [--json] [--notify]`.
struct Read: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print items as they arrive.",
        discussion: """
            Without ids, reads this reader's subscriptions from where it left off. With ids, \
            reads those channels (after --since, else from their newest items on). Reconnects \
            by itself. --once prints what is pending (or 'nothing new') and exits.
            """)
    @OptionGroup var options: ClientOptions
    @Argument(help: "Channel ids (default: this reader's subscriptions).") var channels: [String] = []
    @Option(help: "Read the named channels after this sequence number.") var since: Int64?
    @Flag(help: "Print what is pending, then exit.") var once = false
    @Flag(help: "One JSON object per item per line.") var json = false
    @Flag(help: "Also raise a desktop notification for each item (needs notify-send).") var notify = false

    func validate() throws {
        if since != nil && channels.isEmpty {
            throw ValidationError("--since needs channel ids: 'pushcast read news --since 40'. Subscriptions resume by themselves.")
        }
    }

    func run() async throws {
        let formatter = ItemFormatter(width: TerminalStyle.columns(), colour: !json && TerminalStyle.forStandardOutput().colour)
        let (json, shown) = (self.json, Shown())
        let notifier = notify ? DesktopNotifier.find() : nil
        if notify && notifier == nil {
            StandardError.say("notify-send is not installed (Debian: apt install libnotify-bin); items are printed only")
        }
        do {
            let source: ReadSession.Source =
                channels.isEmpty
                ? .subscriber(try await options.identity(register: false)) : .channels(channels, since: since)
            try await ReadSession(apis: options.apis, source: source, once: once).run(
                show: { part in
                    // Written straight to the descriptor: a reader piped into another program sees each item at once.
                    if part.event == "item" {
                        shown.count.withLock { $0 += 1 }
                        Self.emit(json ? ItemFormatter.jsonLine(part) : formatter.item(part) + "\n")
                        do {
                            try notifier?.notify(part)
                        } catch {
                            if shown.notifyFailed.withLock({ failed in defer { failed = true }; return !failed }) {
                                StandardError.say("notify-send could not be started; items are printed only")
                            }
                        }
                    } else if let notice = formatter.notice(part) {
                        Self.emit(json ? ItemFormatter.jsonLine(part) : notice)
                    }
                },
                status: { StandardError.say($0) })
        } catch {
            throw StandardError.fail(error)
        }
        if once && shown.count.withLock({ $0 }) == 0 {
            // Scripts reading --json get an empty standard output; people get a line.
            if json { StandardError.say("nothing new") } else { Self.emit("nothing new") }
        }
    }

    /// How many items were shown, counted by the reading tasks, and whether a notification
    /// already failed (said once).
    final class Shown: Sendable {
        let count = Mutex(0)
        let notifyFailed = Mutex(false)
    }

    /// Writes to standard output at once; when whoever reads it has gone (`read | head`),
    /// there is nobody left to read for, so the reader ends quietly.
    static func emit(_ text: String) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
        } catch {
            Foundation.exit(0)
        }
    }

}
