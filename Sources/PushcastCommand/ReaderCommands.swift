import ArgumentParser
import Foundation
import PushcastClient

/// `pushcast channels`: the server's channels in a table that fits 80 columns.
struct Channels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the server's channels.")
    @OptionGroup var options: ClientOptions
    @Flag(help: "Print the server's JSON list of channels, for scripts.") var json = false

    func run() async throws {
        do {
            if json {
                print(try await options.api().json("/channels", key: "channels"))
                return
            }
            let channels = try await options.api().channels()
            print(ChannelTable.render(channels, colour: TerminalStyle.forStandardOutput().colour, width: TerminalStyle.columns()))
        } catch {
            throw StandardError.fail(error)
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
            let api = try await options.api()
            let all = try await api.channels()
            let live = all.filter { $0.status != "retired" }.map(\.id)
            for channel in channels where !live.contains(channel) {
                if all.contains(where: { $0.id == channel }) { throw ClientError.retiredChannel(channel) }
                throw ClientError.unknownChannel(channel, closeMatches: CloseMatches.find(channel, in: live))
            }
            let identity = try await options.identity(register: true)
            for channel in channels {
                let created = try await api.subscribe(channel, as: identity)
                print(created ? "subscribed to \(channel)" : "already subscribed to \(channel)")
            }
        } catch {
            throw StandardError.fail(error)
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
                try await options.api().unsubscribe(channel, as: identity)
                print("unsubscribed from \(channel)")
            }
        } catch {
            throw StandardError.fail(error)
        }
    }
}

/// `pushcast subscriptions`.
struct Subscriptions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List this reader's subscriptions.")
    @OptionGroup var options: ClientOptions
    @Flag(help: "Print the server's JSON list of subscriptions, for scripts.") var json = false

    func run() async throws {
        do {
            let identity = try await options.identity(register: false)
            if json {
                print(try await options.api().json("/subscribers/\(identity.id)/subscriptions", key: "subscriptions", token: identity.token))
                return
            }
            print(SubscriptionTable.render(try await options.api().subscriptions(of: identity)))
        } catch {
            throw StandardError.fail(error)
        }
    }
}

