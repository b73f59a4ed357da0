import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// `pushcast compare`: against a live server, one push reader (the channel's multipart
/// stream) and N RSS pollers (conditional GET every interval, staggered) read the same
/// channel while items arrive; each item's delay is measured from the time the server
/// logged it (`publishedAt`) to the time each reader had it.
public struct ComparisonRun: Sendable {
    public var api: PushcastAPI
    public var channel: String
    public var duration: Double
    public var pollInterval: Double
    public var pollers: Int
    /// Where to publish demo items (`--publish-demo`), if at all.
    public var demoFolder: URL?

    public init(api: PushcastAPI, channel: String, duration: Double, pollInterval: Double, pollers: Int, demoFolder: URL?) {
        self.api = api
        self.channel = channel
        self.duration = duration
        self.pollInterval = pollInterval
        self.pollers = pollers
        self.demoFolder = demoFolder
    }

    /// What one reader saw: when it first had each sequence, what it asked and received.
    final class Reader: Sendable {
        let seen = Mutex<[Int64: Date]>([:])
        let requests = Atomic<Int>(0)
        let notModified = Atomic<Int>(0)
        let bytes = Atomic<Int>(0)

        func saw(_ sequences: some Sequence<Int64>, at time: Date = Date()) {
            seen.withLock { seen in
                for seq in sequences where seen[seq] == nil { seen[seq] = time }
            }
        }

        func received(_ response: HTTPClientResponse) {
            requests.wrappingAdd(1, ordering: .relaxed)
            // The status line and headers as they came on the wire, near enough.
            let head = 17 + response.headers.reduce(2) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
            bytes.wrappingAdd(head, ordering: .relaxed)
        }
    }

    public func run() async throws -> ComparisonReport {
        let demo = demoFolder.map { DemoPublisher(folder: $0, channel: channel) }
        if let demo {
            try demo.publish(count: 0)
            try await waitForChannel()
        }
        defer { demo?.remove() }
        let startSeq = try await api.lastSeq(of: channel)
        let started = Date()
        let end = started.addingTimeInterval(duration)
        let push = Reader()
        let pulls = (0..<pollers).map { _ in Reader() }
        var published = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await readStream(after: startSeq, into: push, until: end) }
            for (index, reader) in pulls.enumerated() {
                let offset = pollInterval * Double(index) / Double(max(pollers, 1))
                group.addTask { try await poll(into: reader, offset: offset, until: end) }
            }
            if let demo {
                // Items at random intervals averaging a second, none in the last poll interval,
                // so that every reader can have each one before the end.
                let lastItem = end.addingTimeInterval(-(pollInterval + 0.5))
                while true {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 400...1600)))
                    guard Date() < lastItem else { break }
                    published += 1
                    try demo.publish(count: published)
                }
            }
            try await group.waitForAll()
        }
        let logged = try await api.items(of: channel, after: startSeq)
        let cutoff = end.addingTimeInterval(-pollInterval)
        let items = logged.filter { $0.published < cutoff }
        return ComparisonReport(
            channel: channel, server: api.server, duration: duration, pollInterval: pollInterval, pollers: pollers,
            itemsPublishedByDemo: demo == nil ? nil : published, items: items.map(\.seq),
            push: .init(reader: push, items: items, readers: 1), pull: .init(readers: pulls, items: items))
    }

    private func waitForChannel() async throws {
        let deadline = Date().addingTimeInterval(10)
        while (try? await api.lastSeq(of: channel)) == nil {
            guard Date() < deadline else { throw ClientError.unknownChannel(channel, closeMatches: []) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The push reader: the channel's multipart stream from `since`, until `end`.
    private func readStream(after since: Int64, into reader: Reader, until end: Date) async throws {
        let request = HTTPClientRequest(url: "\(api.server)/channels/\(channel)/stream?since=\(since)")
        let response = try await PushcastAPI.client.execute(request, deadline: .now() + .seconds(Int64(duration) + 30))
        reader.received(response)
        let boundary = try MultipartParser.boundary(fromContentType: response.headers.first(name: "Content-Type") ?? "")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var parser = MultipartParser(boundary: boundary)
                for try await buffer in response.body {
                    let now = Date()
                    reader.bytes.wrappingAdd(buffer.readableBytes, ordering: .relaxed)
                    for part in try parser.feed(buffer.readableBytesView) where part.event == "item" {
                        if let seq = part.seq { reader.saw([seq], at: now) }
                    }
                }
            }
            try await Task.sleep(for: .seconds(max(end.timeIntervalSinceNow, 0)))
            group.cancelAll()
        }
    }

    /// One RSS poller: a conditional GET every `pollInterval`, from `offset` on, until `end`.
    private func poll(into reader: Reader, offset: Double, until end: Date) async throws {
        var etag: String?
        var next = Date().addingTimeInterval(offset)
        while true {
            let wait = next.timeIntervalSinceNow
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
            guard Date() < end else { return }
            var request = HTTPClientRequest(url: "\(api.server)/channels/\(channel)/rss")
            if let etag { request.headers.add(name: "If-None-Match", value: etag) }
            let response = try await PushcastAPI.client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 16 << 20)
            let now = Date()
            reader.received(response)
            reader.bytes.wrappingAdd(body.readableBytes, ordering: .relaxed)
            if response.status == .notModified {
                reader.notModified.wrappingAdd(1, ordering: .relaxed)
            } else if response.status == .ok {
                etag = response.headers.first(name: "ETag")
                reader.saw(FeedItems.sequences(in: Data(body.readableBytesView)), at: now)
            }
            next = next.addingTimeInterval(pollInterval)
        }
    }
}
