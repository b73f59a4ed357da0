import NIOCore
import Pushcast

/// What goes into a `StreamMachine` and what comes out of it: its settings, the parts it
/// writes, the reads it asks for and what they give, and its actions.
extension StreamMachine {
    /// What the stream shows.
    enum Presentation: Sendable, Equatable {
        /// Item parts (a channel's item stream or events; a subscriber's stream when
        /// `durable`, which then ends after what is pending when `once`).
        case items(durable: Bool, once: Bool)
        /// The current state, sent again on every change and after silence (a live page, a
        /// badge, a subscriber's page).
        case state
    }

    struct Settings: Sendable {
        var presentation: Presentation
        /// The channels it reads.
        var channels: [String]
        /// Silence before a heartbeat (or the state again).
        var quiet: Duration
        /// How long the connection may hold writes back before the reader is cut off.
        var writeTimeout: Duration
        var queueCapacity: Int
    }

    /// One part to write.
    enum Part: Sendable {
        /// An item; `live` when the hub just published it (not a replay), for its latency.
        case item(RenderedEntry, live: Bool)
        case heartbeat
        case gap(LogGap)
        case retired(channel: String, lastSeq: Int64)
        /// A snapshot part, rendered.
        case snapshot(ByteBuffer)
        /// A state part, rendered, and the entry it is the first to show, if any.
        case state(ByteBuffer, showing: RenderedEntry?)
    }

    /// A read of the store (or of the state) the stream waits for.
    enum Fetch: Equatable, Sendable {
        case opening
        case page(channel: String, after: Int64, through: Int64)
        case state
        /// The cursors confirmed so far are to be in the store (a `once` stream, before it
        /// ends: its reader may ask again at once).
        case cursors
    }

    /// What a fetch gave.
    enum Fetched: Sendable {
        /// Item streams: where each channel starts.
        case opening([ChannelOpening])
        /// State streams: the state as a part, and whether it ends the stream (retired).
        case state(ByteBuffer, final: Bool)
        case page([RenderedEntry])
        /// The cursors confirmed so far are in the store.
        case cursorsWritten
        /// The fetch failed; the reason is for the log.
        case failed(String)
    }

    /// Where one channel of an item stream starts.
    struct ChannelOpening: Sendable {
        var channel: String
        var plan: ResumePlan
        /// The snapshot part, when the plan sends one.
        var snapshot: ByteBuffer?
        /// The channel's last sequence, for a `retired` part.
        var lastSeq: Int64
    }

    enum Action: Sendable {
        /// Write `part`; `final` ends the stream with it. `confirming`: the cursor this
        /// write moves (durable streams; empty for none), once the reader has acknowledged
        /// its bytes (`CursorAcknowledgements`).
        case write(Part, final: Bool, confirming: ChannelPositions)
        case fetch(Fetch)
        /// Cut the connection off at once (stalled past the write timeout).
        case reset
        /// End the response with nothing more to write.
        case close
    }

    /// What became of an event from the hub.
    enum Reception {
        case act(Action)
        case queued
        case coalesced
        case overflowed
        case ignored
    }
}
