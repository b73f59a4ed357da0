import Foundation
import Testing

@testable import PushcastClient

/// `pushcast compare`'s arithmetic and report, on made-up readers.
@Suite("compare: delays, costs and the table")
struct ComparisonTests {
    @Test func feedSequencesComeFromGuids() {
        let feed = Data(
            """
            <?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
            <item><guid isPermaLink="false">a/b.html#12</guid></item>
            <item><guid isPermaLink="false">odd &amp; id#7</guid></item>
            <item><guid>no-sequence</guid></item></channel></rss>
            """.utf8)
        #expect(FeedItems.sequences(in: feed) == [12, 7])
        #expect(FeedItems.sequences(in: Data("not a feed".utf8)).isEmpty)
    }

    @Test func sidesCountDelaysRequestsAndBytesPerDeliveredItem() {
        let start = Date(timeIntervalSince1970: 1000)
        let items = (1...4).map { LoggedItem(seq: Int64($0), published: start.addingTimeInterval(Double($0))) }
        let push = ComparisonRun.Reader()
        for item in items { push.saw([item.seq], at: item.published.addingTimeInterval(0.002)) }
        push.requests.store(1, ordering: .relaxed)
        push.bytes.store(2000, ordering: .relaxed)
        let pollers = [ComparisonRun.Reader(), ComparisonRun.Reader()]
        for (index, poller) in pollers.enumerated() {
            for item in items.dropLast(index) { poller.saw([item.seq], at: item.published.addingTimeInterval(0.5)) }
            poller.requests.store(10, ordering: .relaxed)
            poller.bytes.store(7000, ordering: .relaxed)
        }
        let pushSide = ComparisonReport.Side(reader: push, items: items, readers: 1)
        #expect(pushSide.delivered == 4 && pushSide.missed == 0)
        #expect(pushSide.requestsPerItem == 0.25 && pushSide.bytesPerItem == 500)
        #expect(abs((pushSide.delayMs?.p50 ?? 0) - 2) < 0.001)
        let pullSide = ComparisonReport.Side(readers: pollers, items: items)
        #expect(pullSide.delivered == 7 && pullSide.missed == 1)
        #expect(abs((pullSide.delayMs?.max ?? 0) - 500) < 0.001)

        let report = ComparisonReport(
            channel: "demo", server: "http://127.0.0.1:8080", duration: 30, pollInterval: 1, pollers: 2, itemsPublishedByDemo: 4,
            items: items.map(\.seq), push: pushSide, pull: pullSide)
        let table = report.table
        #expect(table.contains("push (stream)") && table.contains("pull (RSS, 1 s)"))
        #expect(table.contains("Push had each item 250 times sooner at the median."))
        #expect(table.contains("It took 11 times fewer requests per delivered item."))
        #expect(table.contains("Missed by the end: 0 for push, 1 for pull"))
        #expect(table.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test func percentiles() {
        let values = (1...100).map(Double.init)
        let percentiles = try! #require(ComparisonReport.Percentiles(values))
        #expect(percentiles.p50 == 50 && percentiles.p99 == 99 && percentiles.max == 100)
        #expect(ComparisonReport.Percentiles([]) == nil)
    }
}
