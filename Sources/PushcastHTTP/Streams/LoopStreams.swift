import Pushcast

/// A loop's push streams, indexed the ways its fan-out reads them: all of them (a shutdown,
/// the queue count), those of each channel (its items, its retirement), and those of each
/// channel that show its state (pages and badges: the only ones a `changed` is for). An
/// item stream ignores a manifest read again, and handing it one anyway was a second walk
/// over every stream of the channel for each item published (the publisher's rewrite of
/// the manifest is such a change); a loop with none showing a channel's state is not even
/// woken for it (`Interest`). Generic so that tests need no sockets; used on its loop only.
struct LoopStreams<Stream: AnyObject> {
    /// What the loop takes of a channel's events from the hub.
    enum Interest: Equatable {
        /// Entries and retirements, not `changed`: item streams only.
        case items
        /// Every event: a stream shows the channel's state.
        case everything
    }

    private(set) var all = StreamList<Stream>()
    private var byChannel: [String: StreamList<Stream>] = [:]
    private var showingState: [String: StreamList<Stream>] = [:]

    var isEmpty: Bool { all.isEmpty }

    /// What the loop takes of `channel`'s events; nil when it has no stream of it.
    func interest(in channel: String) -> Interest? {
        guard byChannel[channel] != nil else { return nil }
        return showingState[channel] == nil ? .items : .everything
    }

    /// Adds `stream`, reading `channels`; returns the channels whose interest it changed
    /// (attach to the hub for them anew).
    mutating func insert(_ stream: Stream, channels: [String], showsState: Bool) -> [(String, Interest?)] {
        all.insert(stream)
        var changed: [(String, Interest?)] = []
        for channel in channels {
            let before = interest(in: channel)
            byChannel[channel, default: StreamList()].insert(stream)
            if showsState { showingState[channel, default: StreamList()].insert(stream) }
            if interest(in: channel) != before { changed.append((channel, interest(in: channel))) }
        }
        return changed
    }

    /// Removes `stream`; returns the channels whose interest it changed, nil for those left
    /// with no stream (detach from the hub). None if it was not there.
    mutating func remove(_ stream: Stream, channels: [String]) -> [(String, Interest?)] {
        guard all.remove(stream) else { return [] }
        var changed: [(String, Interest?)] = []
        for channel in channels {
            let before = interest(in: channel)
            byChannel[channel]?.remove(stream)
            if byChannel[channel]?.isEmpty == true { byChannel[channel] = nil }
            if showingState[channel]?.remove(stream) == true, showingState[channel]?.isEmpty == true {
                showingState[channel] = nil
            }
            if interest(in: channel) != before { changed.append((channel, interest(in: channel))) }
        }
        return changed
    }

    /// The streams a batch of the hub's events is for (a batch is of one kind and channel).
    func receivers(of events: [HubEvent]) -> [Stream] {
        switch events.first {
        case .changed(let channel)?: showingState[channel]?.streams ?? []
        case let event?: event.channel.map { byChannel[$0]?.streams ?? [] } ?? all.streams
        case nil: []
        }
    }
}
