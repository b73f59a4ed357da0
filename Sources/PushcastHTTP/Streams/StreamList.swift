/// A set of push streams (`PushStream`; generic so that tests need no sockets) kept in one
/// contiguous array, so that a fan-out walks them in one pass over adjacent references; a
/// stream leaves by having the last one moved into its place. Used on its loop only.
struct StreamList<Stream: AnyObject> {
    private(set) var streams: [Stream] = []
    private var places: [ObjectIdentifier: Int] = [:]

    var isEmpty: Bool { streams.isEmpty }

    mutating func insert(_ stream: Stream) {
        let id = ObjectIdentifier(stream)
        guard places[id] == nil else { return }
        places[id] = streams.count
        streams.append(stream)
    }

    /// Whether it was there.
    @discardableResult
    mutating func remove(_ stream: Stream) -> Bool {
        guard let place = places.removeValue(forKey: ObjectIdentifier(stream)) else { return false }
        let last = streams.removeLast()
        if place < streams.count {
            streams[place] = last
            places[ObjectIdentifier(last)] = place
        }
        return true
    }
}
