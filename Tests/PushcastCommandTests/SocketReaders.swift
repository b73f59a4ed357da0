import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Many stream readers on plain sockets, read by one background thread with `poll`: cheap
/// enough for a hundred in one test. For each reader it records when each item part had
/// arrived whole (its `Pushcast-Seq` header, then the delimiter that follows the part).
final class SocketReaders: Sendable {
    private struct Reader {
        var descriptor: Int32
        var boundary: [UInt8]?
        var head: [UInt8] = []
        var carry: [UInt8] = []
        var pending: Int?
        var arrivals: [Int: Date] = [:]
    }

    /// What the reading thread shares with the test.
    private final class State: Sendable {
        let readers: Mutex<[Reader]>
        let running = Atomic<Bool>(true)
        init(_ readers: [Reader]) { self.readers = Mutex(readers) }
    }

    private let state: State

    init(port: Int, path: String, count: Int) throws {
        var opened: [Reader] = []
        for _ in 0..<count {
            let socket = try RawSocket(port: port)
            let descriptor = dup(socket.descriptor)
            try socket.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            opened.append(Reader(descriptor: descriptor))
        }
        let state = State(opened)
        self.state = state
        // The thread owns the descriptors: it closes them when it stops, so none is closed
        // while it may still read it.
        Thread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while state.running.load(ordering: .relaxed) {
                var descriptors = state.readers.withLock { $0.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) } }
                guard poll(&descriptors, nfds_t(descriptors.count), 50) > 0 else { continue }
                let now = Date()
                state.readers.withLock { all in
                    for index in all.indices where descriptors[index].revents != 0 {
                        while true {
                            let count = read(all[index].descriptor, &buffer, buffer.count)
                            guard count > 0 else { break }
                            SocketReaders.scan(&all[index], buffer[..<count], at: now)
                        }
                    }
                }
            }
            state.readers.withLock { all in for reader in all { close(reader.descriptor) } }
        }.start()
    }

    deinit {
        state.running.store(false, ordering: .relaxed)
    }

    /// When each reader had item `seq` whole; nil for readers that do not have it yet.
    func arrivals(of seq: Int) -> [Date?] {
        state.readers.withLock { $0.map { $0.arrivals[seq] } }
    }

    private static func scan(_ reader: inout Reader, _ bytes: ArraySlice<UInt8>, at now: Date) {
        if reader.boundary == nil {
            reader.head += bytes
            let text = String(decoding: reader.head, as: UTF8.self)
            guard let headEnd = text.range(of: "\r\n\r\n"), let start = text.range(of: "boundary=") else { return }
            let value = text[start.upperBound...].prefix { $0 != ";" && $0 != "\r" }
            reader.boundary = Array("\r\n--\(value)".utf8)
            let rest = Array(text[headEnd.upperBound...].utf8)
            reader.head = []
            scan(&reader, rest[...], at: now)
            return
        }
        guard let boundary = reader.boundary else { return }
        var data = reader.carry + bytes
        while true {
            if reader.pending == nil {
                let marker = Array("Pushcast-Seq: ".utf8)
                guard let at = find(marker, in: data), let end = data[(at + marker.count)...].firstIndex(of: 13) else { break }
                reader.pending = Int(String(decoding: data[(at + marker.count)..<end], as: UTF8.self))
                data = Array(data[end...])
            } else {
                guard let at = find(boundary, in: data) else { break }
                if let seq = reader.pending { reader.arrivals[seq] = now }
                reader.pending = nil
                data = Array(data[(at + boundary.count)...])
            }
        }
        reader.carry = Array(data.suffix(max(boundary.count, 32)))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            guard let first = haystack[index...].firstIndex(of: needle[0]), first <= haystack.count - needle.count else { return nil }
            if haystack[first..<(first + needle.count)].elementsEqual(needle) { return first }
            index = first + 1
        }
        return nil
    }
}
