import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

/// Reads a multipart stream (or SSE) in the background, keeping every part and every byte.
/// It has an HTTP client of its own, so that closing it surely closes its connection (a
/// cancelled read on a shared client can leave the connection open, unread).
final class StreamClient: Sendable {
    let status: Int
    let headers: [String: String]
    /// What the background reader collects, shared with it.
    private final class Collected: Sendable {
        let parts = Mutex<[MultipartReader.Part]>([])
        let bytes = Mutex<[UInt8]>([])
        let ended = Mutex<Bool>(false)
        let failure = Mutex<String?>(nil)
    }

    private let collected = Collected()
    private let task: Task<Void, Never>
    private let client: HTTPClient

    init(_ url: String, headers extra: [String: String] = [:]) async throws {
        var request = HTTPClientRequest(url: url)
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        self.client = client
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(600))
        } catch {
            try? await client.shutdown()
            throw error
        }
        status = Int(response.status.code)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        headers = fields
        let boundary = MultipartReader.boundary(of: fields["content-type"] ?? "")
        let collected = self.collected
        task = Task {
            var reader = boundary.map { MultipartReader(boundary: $0) }
            do {
                for try await buffer in response.body {
                    let chunk = Array(buffer.readableBytesView)
                    collected.bytes.withLock { $0.append(contentsOf: chunk) }
                    if let found = try reader?.feed(chunk), !found.isEmpty {
                        collected.parts.withLock { $0.append(contentsOf: found) }
                    }
                }
            } catch {
                collected.failure.withLock { $0 = "\(error)" }
            }
            collected.ended.withLock { $0 = true }
        }
    }

    deinit {
        task.cancel()
        client.shutdown { _ in }
    }

    var received: [MultipartReader.Part] { collected.parts.withLock { $0 } }
    var raw: [UInt8] { collected.bytes.withLock { $0 } }
    var text: String { String(decoding: raw, as: UTF8.self) }
    var isEnded: Bool { collected.ended.withLock { $0 } }
    var items: [MultipartReader.Part] { received.filter { $0.event == "item" } }

    /// Closes the connection from this side, and returns once the client has closed it and
    /// its reader has stopped (the server may still be about to notice).
    func close() async {
        task.cancel()
        try? await client.shutdown()  // closes the connection; only a second call fails
        await task.value
    }

    func waitUntil(
        _ what: String, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: @Sendable (StreamClient) -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition(self) {
            guard Date() < deadline else {
                let got = received.map { "\($0.event ?? "?") \($0.seq ?? 0)" }
                let failure = collected.failure.withLock { $0 } ?? "none"
                let head = String(decoding: raw.prefix(120), as: UTF8.self)
                Issue.record(
                    Comment(rawValue: "timed out waiting for: \(what); got \(got); reader error: \(failure); first bytes: \(head)"),
                    sourceLocation: sourceLocation)
                throw ServerProcessError.timedOut(what)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
