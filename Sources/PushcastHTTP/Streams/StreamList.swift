/// A set of push streams kept in one contiguous array, so that a fan-out walks them in one
/// pass over adjacent references; a stream leaves by having the last one moved into its
/// place. Used on its loop only.
struct StreamList {
    private(set) var streams: [PushStream] = []
    private var places: [ObjectIdentifier: Int] = [:]

    var isEmpty: Bool { streams.isEmpty }

    mutating func insert(_ stream: PushStream) {
        let id = ObjectIdentifier(stream)
        guard places[id] == nil else { return }
        places[id] = streams.count
        streams.append(stream)
    }

    /// Whether it was there.
    @discardableResult
    mutating func remove(_ stream: PushStream) -> Bool {
        guard let place = places.removeValue(forKey: ObjectIdentifier(stream)) else { return false }
        let last = streams.removeLast()
        if place < streams.count {
            streams[place] = last
            places[ObjectIdentifier(last)] = place
        }
        return true
    }
}
