/// What the hub tells the streams of a channel (DESIGN.md step 6): an entry logged and
/// rendered, the manifest read again, the channel retired; or that the server is stopping.
public enum HubEvent: Sendable {
    case entry(RenderedEntry)
    /// The channel's manifest was read again; nothing was logged.
    case changed(String)
    case retired(channel: String, lastSeq: Int64)
    case shutdown

    /// The channel it is about; nil for `shutdown`.
    public var channel: String? {
        switch self {
        case .entry(let entry): entry.channel
        case .changed(let channel), .retired(let channel, _): channel
        case .shutdown: nil
        }
    }

    /// The event with an entry's buffers of its own (`RenderedEntry.copied`), for one event
    /// loop's streams.
    public var copiedForOneLoop: HubEvent {
        guard case .entry(let entry) = self else { return self }
        return .entry(entry.copied())
    }
}
