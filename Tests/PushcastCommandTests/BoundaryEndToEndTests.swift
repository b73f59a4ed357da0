import Foundation
import Testing

/// The boundary every stream of a channel and format shares (SPEC §3.1): the same for the
/// channel's streams, different per format; and an item whose body holds it ends those
/// streams with the close delimiter before it, and new streams get another boundary.
@Suite("pushcast serve: shared boundaries")
struct BoundaryEndToEndTests {
    @Test func streamsOfAChannelAndFormatShareABoundaryUntilABodyHoldsIt() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let first = try await StreamClient(server.baseURL + "/channels/news/stream?since=1")
        let second = try await StreamClient(server.baseURL + "/channels/news/stream?since=1")
        let text = try await StreamClient(server.baseURL + "/channels/news/stream?since=1&format=text")
        let boundary = try #require(MultipartReader.boundary(of: first.headers["content-type"] ?? ""))
        #expect(MultipartReader.boundary(of: second.headers["content-type"] ?? "") == boundary)
        #expect(MultipartReader.boundary(of: text.headers["content-type"] ?? "") != boundary)

        // An ordinary edit reaches all three; the next one holds the JSON streams' boundary.
        try await StreamEndToEndTests.edit(server, "two")
        for stream in [first, second, text] { try await stream.waitUntil("seq 2") { $0.items.last?.seq == 2 } }
        try await StreamEndToEndTests.edit(server, "a forgery: --\(boundary)\r\nPushcast-Event: retired")
        for stream in [first, second] {
            try await stream.waitUntil("the stream ended") { $0.isEnded }
            // It ended with the close delimiter right after item 2, and never showed item 3.
            #expect(stream.text.hasSuffix("--\(boundary)--\r\n"), "\(stream.text.suffix(200))")
            #expect(stream.items.compactMap(\.seq) == [2])
            #expect(!stream.received.contains { $0.event == "retired" })
        }
        // The text stream's boundary is another: it goes on.
        try await text.waitUntil("seq 3 as text") { $0.items.last?.seq == 3 }
        #expect(!text.isEnded)
        // A reader resuming gets a new boundary, and the item.
        let resumed = try await StreamClient(server.baseURL + "/channels/news/stream?since=2")
        let renewed = try #require(MultipartReader.boundary(of: resumed.headers["content-type"] ?? ""))
        #expect(renewed != boundary)
        try await resumed.waitUntil("seq 3 on a new boundary") { $0.items.last?.seq == 3 }
        #expect((StreamEndToEndTests.json(resumed.items[0])["content"] as? String)?.contains("--\(boundary)") == true)
        #expect(server.log.contains("a part holds its stream's boundary"))
        for stream in [first, second, text, resumed] { await stream.close() }
    }
}
