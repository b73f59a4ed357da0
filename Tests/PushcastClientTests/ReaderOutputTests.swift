import Foundation
import Testing

@testable import PushcastClient

/// What `pushcast channels`, `subscriptions` and `read` print for people, without a server.
@Suite("Reader output")
struct ReaderOutputTests {
    static func summary(_ id: String, status: String, problems: [(String, String)]) throws -> PushcastAPI.ChannelSummary {
        let diagnostics = problems.map { ["severity": $0.0, "code": "x-code", "message": $0.1, "line": 3] as [String: Any] }
        let object: [String: Any] = [
            "id": id, "title": "A title", "lastChange": "2026-12-04T10:20:30.000Z", "lastSeq": 4, "status": status,
            "diagnostics": diagnostics,
        ]
        return try JSONDecoder().decode(PushcastAPI.ChannelSummary.self, from: JSONSerialization.data(withJSONObject: object))
    }

    @Test func channelsSaysWarningsAndWrapsProblemsWithTheirAdvice() throws {
        let advice = "ITEM has a date that is not a date; write it as 2026-11-24T10:00 or leave LASTMOD out (the end)"
        let table = ChannelTable.render(
            [
                try Self.summary("club", status: "ok", problems: [("warning", advice)]),
                try Self.summary("broken", status: "error", problems: [("error", "no CHANNEL element; rename the file")]),
            ], colour: false)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines)")
        #expect(lines[1].hasSuffix("ok, 1 warning"))
        #expect(lines.contains { $0.hasPrefix("broken") && $0.hasSuffix("error") })
        // Every word of the advice is there, the last one included: wrapped, never cut.
        let warning = lines.filter { $0.hasPrefix("    ~") || $0.hasPrefix("      ") }.joined(separator: " ")
        #expect(warning.contains("(the end) [x-code]"), "\(warning)")
        #expect(ChannelTable.wrap(String(repeating: "x", count: 30), first: "> ", rest: "  ", width: 12).allSatisfy { $0.count <= 12 })
    }

    @Test func subscriptionsLineUp() throws {
        let json = """
            {"subscriptions": [{"channel": "a", "cursor": 3, "lastSeq": 120, "status": "ok"},
             {"channel": "worldnews", "cursor": 0, "lastSeq": 7, "status": "retired"}]}
            """
        struct List: Decodable { var subscriptions: [PushcastAPI.Subscription] }
        let rows = SubscriptionTable.render(try JSONDecoder().decode(List.self, from: Data(json.utf8)).subscriptions)
            .split(separator: "\n").map(String.init)
        #expect(rows == [
            "CHANNEL    PENDING  READ UP TO  STATUS",
            "a              117  #3 of #120  ok",
            "worldnews        7  #0 of #7    retired",
        ])
    }

    @Test func anItemSaysItsDayWhenNotTodayAndItsSections() {
        let now = ISO8601DateFormatter().date(from: "2026-12-04T15:00:00Z")!
        func part(_ published: String) -> MultipartParser.Part {
            let body = """
                {"channel":"news","seq":7,"event":"new","title":"Harbour closed","abstract":null,
                 "href":"http://x/7","section":["Local","Weather"],"publishedAt":"\(published)"}
                """
            return MultipartParser.Part(headers: ["pushcast-event": "item"], body: Array(body.utf8))
        }
        let formatter = ItemFormatter(width: 80, colour: false)
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm"
        let today = formatter.item(part("2026-12-04T14:05:00.000Z"), now: now)
        #expect(today.hasPrefix(clock.string(from: now.addingTimeInterval(-55 * 60)) + "  news #7"), "\(today)")
        #expect(today.contains("in Local, Weather"))
        let earlier = formatter.item(part("2026-11-24T09:30:00.000Z"), now: now)
        #expect(earlier.contains("24 Nov") && earlier.contains("news #7"), "\(earlier)")
        let lastYear = formatter.item(part("2025-06-01T09:30:00.000Z"), now: now)
        #expect(lastYear.hasPrefix("1 Jun 2025  news #7") || lastYear.hasPrefix("31 May 2025  news #7"), "\(lastYear)")
    }
}
