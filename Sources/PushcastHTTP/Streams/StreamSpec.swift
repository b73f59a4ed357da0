import HTTPTypes
import Pushcast

/// A push stream that passed admission (`StreamAdmission`): what it shows and where it
/// starts, how it frames its parts, its response's head fields, and how it counts.
struct StreamSpec: Sendable {
    /// What the stream shows and where it starts.
    enum Subject: Sendable {
        /// A channel's items (`/stream` in any format, or `/events`), after `since` if given;
        /// only what is there already when `once`.
        case channelItems(channel: String, since: Int64?, once: Bool)
        /// A subscriber's items of all its channels, after its cursors; only what is
        /// pending when `once`.
        case subscriberItems(subscriber: String, cursors: [String: Int64], once: Bool)
        /// A channel's live page; the first page holds everything after `since`, if given.
        case channelPage(channel: String, since: Int64?)
        case badge(channel: String)
        /// A subscriber's own page of all its channels.
        case subscriberPage(subscriber: String, name: String, channels: [String])
    }

    let subject: Subject
    let framing: StreamFraming
    /// The head's fields, the content type among them.
    let headers: HTTPFields
    /// Which meter counts it.
    let transport: Transport
    /// Seconds of silence before a heartbeat (or the state again).
    let quiet: Double

    /// The channels the stream reads.
    var channels: [String] {
        switch subject {
        case .channelItems(let channel, _, _), .channelPage(let channel, _), .badge(let channel): [channel]
        case .subscriberItems(_, let cursors, _): cursors.keys.sorted()
        case .subscriberPage(_, _, let channels): channels
        }
    }

    /// The subscriber whose cursors its writes confirm.
    var subscriber: String? {
        guard case .subscriberItems(let subscriber, _, _) = subject else { return nil }
        return subscriber
    }

    var presentation: StreamMachine.Presentation {
        switch subject {
        case .channelItems(_, _, let once): .items(durable: false, once: once)
        case .subscriberItems(_, _, let once): .items(durable: true, once: once)
        case .channelPage, .badge, .subscriberPage: .state
        }
    }

    /// How the log names it: the transport and what it reads.
    var logMetadata: [String: String] {
        var metadata = ["transport": transport.rawValue]
        switch subject {
        case .channelItems(let channel, _, _), .channelPage(let channel, _), .badge(let channel): metadata["channel"] = channel
        case .subscriberItems(let subscriber, _, _), .subscriberPage(let subscriber, _, _):
            metadata["subscriber"] = subscriber
            metadata["channels"] = channels.joined(separator: ",")
        }
        return metadata
    }
}
