import Synchronization

/// The shared boundaries (SPEC §3.1): one per channel and kind, made when first asked for,
/// kept for the life of the process, and replaced for new streams when a part holds it.
final class Boundaries: Sendable {
    /// Whose streams share a boundary: a channel's, or every subscriber's (their streams mix
    /// channels), and of which kind (`json`, `text`, `html`, `page`, `badge`).
    struct Key: Hashable, Sendable {
        let scope: String
        let kind: String
    }

    /// The scope of the streams that read several channels (a subscriber's).
    static let subscribers = "*subscribers"

    private let current = Mutex<[Key: SharedBoundary]>([:])

    /// The boundary new streams of `key` use; a badge's delimiters carry its part header.
    func boundary(_ key: Key, partHeader: String? = nil) -> SharedBoundary {
        current.withLock { table in
            if let boundary = table[key] { return boundary }
            let boundary = SharedBoundary(partHeader: partHeader)
            table[key] = boundary
            return boundary
        }
    }

    /// `boundary` occurred in a part: streams opened from now on get a new one.
    func replace(_ boundary: SharedBoundary) {
        current.withLock { table in
            for (key, value) in table where value === boundary { table[key] = nil }
        }
    }
}
