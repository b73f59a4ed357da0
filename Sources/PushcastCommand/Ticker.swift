import ArgumentParser
import CTerminal
import Foundation
import PushcastClient
import Synchronization

/// `pushcast ticker [ID…]`: a one-line scrolling headline ticker that redraws in place,
/// follows the terminal's width, and restores the terminal on Ctrl-C.
struct Ticker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Scroll the newest headlines along one line.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "Channel ids (default: this reader's subscriptions).") var channels: [String] = []

    /// The headlines, shared by the reader and the drawing loop.
    final class Shared: Sendable {
        let line = Mutex(TickerLine())
    }

    func run() async throws {
        let shared = Shared()
        let session: ReadSession
        do {
            let source: ReadSession.Source =
                channels.isEmpty
                ? .subscriber(try await options.identity(register: false)) : .channels(channels, since: 0)
            session = ReadSession(api: options.api, source: source, once: false)
        } catch {
            throw ClientFailure.exit(error)
        }
        Self.onInterrupt {
            Self.write("\r\u{1B}[K\u{1B}[?25h")  // clear the line, show the cursor again
            // _exit, not exit: atexit teardown while the network threads still run can crash.
            _exit(0)
        }
        Self.write("\u{1B}[?25l")  // hide the cursor while scrolling
        let reading = Task {
            try await session.run(
                show: { part in
                    guard part.event == "item" else { return }
                    let json = (try? JSONSerialization.jsonObject(with: Data(part.body))) as? [String: Any] ?? [:]
                    let headline = "\(part.channel ?? "?"): \(json["title"] as? String ?? json["href"] as? String ?? "")"
                    shared.line.withLock { $0.add(headline) }
                },
                status: { _ in })
        }
        var offset = 0
        while !reading.isCancelled {
            let width = max(Int(pushcast_terminal_columns(STDOUT_FILENO)), 0)
            let frame = shared.line.withLock { $0.frame(width: width > 0 ? width - 1 : 79, offset: offset) }
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
