import ArgumentParser
import CTerminal
import Foundation
import PushcastClient
import Synchronization

/// `pushcast ticker [ID…]`: a one-line scrolling headline ticker that redraws in place,
/// follows the terminal's width, and restores the terminal on Ctrl-C. It starts with each
/// channel's newest headlines, then adds what arrives.
struct Ticker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Scroll the newest headlines along one line.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "Channel ids (default: this reader's subscriptions).") var channels: [String] = []

    /// How many of each channel's newest headlines the line starts with.
    static let startingHeadlines = 4

    /// The headlines, shared by the reader and the drawing loop; each item once.
    final class Shared: Sendable {
        let state = Mutex((line: TickerLine(), shown: Set<String>()))

        func add(channel: String, seq: Int64, title: String) {
            state.withLock { state in
                guard state.shown.insert("\(channel)#\(seq)").inserted else { return }
                state.line.add("\(channel): \(title)")
            }
        }
    }

    func run() async throws {
        let shared = Shared()
        let session: ReadSession
        do {
            let api = try await options.api()
            let source: ReadSession.Source
            let names: [String]
            if channels.isEmpty {
                let identity = try await options.identity(register: false)
                source = .subscriber(identity)
                names = try await api.subscriptions(of: identity).map(\.channel)
            } else {
                source = .channels(channels, since: nil)
                names = channels
            }
            var newest: [PushcastAPI.LoggedEntry] = []
            for name in names { newest += try await api.latestItems(of: name, limit: Self.startingHeadlines) }
            for entry in newest.sorted(by: { ($0.seq, $0.channel) < ($1.seq, $1.channel) }) {
                shared.add(channel: entry.channel, seq: entry.seq, title: entry.title ?? entry.href)
            }
            session = ReadSession(apis: options.apis, source: source, once: false)
        } catch {
            throw StandardError.fail(error)
        }
        _ = pushcast_terminal_silence_input(STDIN_FILENO)
        Self.onInterrupt {
            pushcast_terminal_restore_input(STDIN_FILENO)
            Self.write("\r\u{1B}[K\u{1B}[?25h")  // clear the line, show the cursor again
            // _exit, not exit: atexit teardown while the network threads still run can crash.
            _exit(0)
        }
        Self.write("\u{1B}[?25l")  // hide the cursor while scrolling
        let reading = Task {
            try await session.run(
                show: { part in
                    guard part.event == "item", let seq = part.seq else { return }
                    let headline = ItemFormatter.headline(part)
                    shared.add(channel: headline.channel, seq: seq, title: headline.title)
                },
                status: { _ in })
        }
        var offset = 0
        while !reading.isCancelled {
            let width = max(Int(pushcast_terminal_columns(STDOUT_FILENO)), 0)
            let frame = shared.state.withLock { $0.line.frame(width: width > 0 ? width - 1 : 79, offset: offset) }
            Self.write("\r" + frame + "\u{1B}[K")
            offset += 1
            try await Task.sleep(for: .milliseconds(120))
        }
    }

    static func write(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    /// Runs `handler` on SIGINT or SIGTERM instead of dying with the terminal in a mess.
    static func onInterrupt(_ handler: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            interruptSources.append(source)
        }
    }

    /// Kept alive for the life of the process; written once, before anything runs concurrently.
    nonisolated(unsafe) private static var interruptSources: [any DispatchSourceSignal] = []
}
