/// A sequence per channel, as a stream keeps them (the newest sent, the newest written
/// but not yet confirmed). Most streams follow one channel: theirs is kept inline, so
/// fanning an item out to them hashes nothing and reads no storage of their own beyond
/// the stream; a stream of several channels keeps a dictionary.
struct ChannelPositions: Sendable {
    private enum Storage {
        case none
        case one(String, Int64)
        case many([String: Int64])
    }

    private var storage = Storage.none

    var isEmpty: Bool {
        switch storage {
        case .none: true
        case .one: false
        case .many(let positions): positions.isEmpty
        }
    }

    subscript(channel: String) -> Int64? {
        get {
            switch storage {
            case .none: nil
            case .one(let only, let seq): only == channel ? seq : nil
            case .many(let positions): positions[channel]
            }
        }
        set {
            switch storage {
            case .none:
                if let newValue { storage = .one(channel, newValue) }
            case .one(let only, let onlySeq):
                if only == channel {
                    storage = newValue.map { .one(channel, $0) } ?? .none
                } else if let newValue {
                    storage = .many([only: onlySeq, channel: newValue])
                }
            case .many(var positions):
                storage = .none  // `positions` is then the dictionary's only owner: no copy
                positions[channel] = newValue
                storage = .many(positions)
            }
        }
    }

    /// Calls `body` with each channel's sequence.
    func forEach(_ body: (String, Int64) -> Void) {
        switch storage {
        case .none: break
        case .one(let channel, let seq): body(channel, seq)
        case .many(let positions): for (channel, seq) in positions { body(channel, seq) }
        }
    }

    /// Takes each of `other`'s sequences that is further than this one's.
    mutating func merge(_ other: ChannelPositions) {
        other.forEach { channel, seq in
            if let mine = self[channel], mine >= seq { return }
            self[channel] = seq
        }
    }
}
