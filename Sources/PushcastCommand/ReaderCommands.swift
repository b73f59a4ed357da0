import ArgumentParser
import Foundation
import PushcastClient

/// `pushcast channels`: the server's channels in a table that fits 80 columns.
struct Channels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the server's channels.")
    @OptionGroup var options: ClientOptions

    func run() async throws {
        do {
            let channels = try await options.api.channels()
            print(ChannelTable.render(channels, colour: TerminalStyle.forStandardOutput().colour))
        } catch {
            throw ClientFailure.exit(error)
        }
    }
}

/// One or more channel ids, as `subscribe` and `unsubscribe` take them.
struct ChannelList: ParsableArguments {
    @Argument(help: "Channel ids.") var channels: [String]

    func validate() throws {
        guard !channels.isEmpty else { throw ValidationError("Name at least one channel.") }
    }
}

/// `pushcast subscribe ID…`.
struct Subscribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Subscribe this reader to channels.")
    @OptionGroup var options: ClientOptions
    @OptionGroup var list: ChannelList
    var channels: [String] { list.channels }

    func run() async throws {
        do {
            let api = options.api
            let known = try await api.channels().filter { $0.status != "retired" }.map(\.id)
            for channel in channels where !known.contains(channel) {
                throw ClientError.unknownChannel(channel, closeMatches: CloseMatches.find(channel, in: known))
            }
            let identity = try await options.identity(register: true)
            for channel in channels {
                let created = try await api.subscribe(channel, as: identity)
                print(created ? "subscribed to \(channel)" : "already subscribed to \(channel)")
            }
        } catch {
            throw ClientFailure.exit(error)
        }
    }
}

/// `pushcast unsubscribe ID…`.
struct Unsubscribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Unsubscribe this reader from channels.")
    @OptionGroup var options: ClientOptions
    @OptionGroup var list: ChannelList
    var channels: [String] { list.channels }

    func run() async throws {
        do {
            let identity = try await options.identity(register: false)
            for channel in channels {
                try await options.api.unsubscribe(channel, as: identity)
                print("unsubscribed from \(channel)")
            }
        } catch {
            throw ClientFailure.exit(error)
        }
    }
}

/// `pushcast subscriptions`.
struct Subscriptions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List this reader's subscriptions.")
    @OptionGroup var options: ClientOptions

    func run() async throws {
        do {
            let subscriptions = try await options.api.subscriptions(of: try await options.identity(register: false))
            if subscriptions.isEmpty { print("no subscriptions: 'pushcast subscribe ID' adds one") }
            for subscription in subscriptions {
                let pending = max(0, subscription.lastSeq - subscription.cursor)
                print("\(subscription.channel)  \(pending) pending  (read up to #\(subscription.cursor) of #\(subscription.lastSeq), \(subscription.status))")
            }
        } catch {
            throw ClientFailure.exit(error)
        }
    }
}

/// `pushcast read [ID…] [--since SEQ] [--once] [--json]`.
struct Read: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print items as they arrive.",
        discussion: """
            Without ids, reads this reader's subscriptions from where it left off. With ids, \
            reads those channels (after --since, else from their newest items). Reconnects \
            by itself. --once prints what is pending and exits.
            """)
    @OptionGroup var options: ClientOptions
    @Argument(help: "Channel ids (default: this reader's subscriptions).") var channels: [String] = []
    @Option(help: "Read the named channels after this sequence number.") var since: Int64?
    @Flag(help: "Print what is pending, then exit.") var once = false
    @Flag(help: "One JSON object per item per line.") var json = false

    func run() async throws {
        let formatter = ItemFormatter(colour: !json && TerminalStyle.forStandardOutput().colour)
        let json = self.json
        do {
            let source: ReadSession.Source =
                channels.isEmpty
                ? .subscriber(try await options.identity(register: false)) : .channels(channels, since: since)
            try await ReadSession(api: options.api, source: source, once: once).run(
                show: { part in
                    // Written straight to the descriptor: a reader piped into another program sees each item at once.
                    if part.event == "item" {
                        Self.emit(json ? ItemFormatter.jsonLine(part) : formatter.item(part) + "\n")
                    } else if let notice = formatter.notice(part) {
                        Self.emit(json ? ItemFormatter.jsonLine(part) : notice)
                    }
                },
                status: { message in try? FileHandle.standardError.write(contentsOf: Data("pushcast: \(message)\n".utf8)) })
        } catch {
            throw ClientFailure.exit(error)
        }
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
