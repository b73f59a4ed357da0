import Pushcast

/// A loop's push streams, indexed the ways its fan-out reads them: all of them (the ticker,
/// a shutdown), those of each channel (its items, its retirement), and those of each
/// channel that show its state (pages and badges: the only ones a `changed` is for). An
/// item stream ignores a manifest read again, and handing it one anyway was a second walk
/// over every stream of the channel for each item published (the publisher's rewrite of
/// the manifest is such a change). Generic so that tests need no sockets; used on its loop only.
struct LoopStreams<Stream: AnyObject> {
    private(set) var all = StreamList<Stream>()
    private var byChannel: [String: StreamList<Stream>] = [:]
    private var showingState: [String: StreamList<Stream>] = [:]

    var isEmpty: Bool { all.isEmpty }

    /// Adds `stream`, reading `channels`; returns the channels that had no stream before.
    mutating func insert(_ stream: Stream, channels: [String], showsState: Bool) -> [String] {
        all.insert(stream)
        var opened: [String] = []
        for channel in channels {
            if byChannel[channel] == nil { opened.append(channel) }
            byChannel[channel, default: StreamList()].insert(stream)
            if showsState { showingState[channel, default: StreamList()].insert(stream) }
        }
        return opened
    }

    /// Removes `stream`; returns the channels left with no stream (none if it was not there).
    mutating func remove(_ stream: Stream, channels: [String]) -> [String] {
        guard all.remove(stream) else { return [] }
        var closed: [String] = []
        for channel in channels {
            byChannel[channel]?.remove(stream)
            if byChannel[channel]?.isEmpty == true {
                byChannel[channel] = nil
                closed.append(channel)
            }
            if showingState[channel]?.remove(stream) == true, showingState[channel]?.isEmpty == true {
                showingState[channel] = nil
            }
        }
        return closed
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
