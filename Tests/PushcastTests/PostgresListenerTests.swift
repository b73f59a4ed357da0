import CDF
import Foundation
import Synchronization
import Testing

@testable import Pushcast

/// A node's listening connection (docs/CLUSTER.md) on the real PostgreSQL of `make test`:
/// what another node commits is heard as a notification, not only in the next marks.
@Suite("The listening connection")
struct PostgresListenerTests {
    /// Everything the listener said, in order.
    final class Heard: Sendable {
        let signals = Mutex<[String]>([])

        func note(_ signal: PostgresListener.Signal) {
            let line: String
            switch signal {
            case .logged(let channel, let seq): line = "logged \(channel):\(seq)"
            case .changed(let channel): line = "changed \(channel)"
            case .marks(let marks): line = "marks " + marks.map { "\($0.id):\($0.lastSeq)" }.joined(separator: ",")
            case .connected: line = "connected"
            case .lost: line = "lost"
            }
            signals.withLock { $0.append(line) }
        }

        func waitFor(_ line: String) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while !signals.withLock({ $0.contains(line) }) {
                guard ContinuousClock.now < deadline else {
                    Issue.record("never heard \(line); heard \(signals.withLock { $0 })")
                    return
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    @Test(.enabled(if: StoreTests.Kind.postgresURL != nil, "PUSHCAST_TEST_POSTGRES is unset: `make test` runs this."))
    func whatAnotherNodeCommitsIsHeardAsANotification() async throws {
        var address = try PostgresAddress(url: try #require(StoreTests.Kind.postgresURL))
        address.database = try await StoreTests.createDatabase(at: address)
        let store = PostgresStore(address: address)
        let listener = PostgresListener(address: address)
        let heard = Heard()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            group.addTask { await listener.run { heard.note($0) } }
            try await heard.waitFor("connected")
            try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            try await heard.waitFor("changed news")
            let seen = [ItemObservation(item: Item(id: "a", href: "a", local: true, title: "a", lastmod: nil))]
            _ = try await store.record(seen, channel: "news")
            try await heard.waitFor("logged news:1")
            // Heard before any marks showed it: the notification, not the once-a-second read.
            let signals = heard.signals.withLock { $0 }
            let notified = try #require(signals.firstIndex(of: "logged news:1"))
            #expect(!signals[..<notified].contains { $0.hasPrefix("marks") && $0.contains("news:1") }, "\(signals)")
            try await heard.waitFor("marks news:1")
            // A channel removed (it never logged) is announced too: saved, then forgotten.
            try await store.saveChannel(id: "draft", file: "draft.cdf", status: .error, diagnostics: [], manifest: nil)
            try await heard.waitFor("changed draft")
            #expect(try await store.forgetChannel(id: "draft"))
            let deadline = ContinuousClock.now + .seconds(10)
            while heard.signals.withLock({ $0.filter { $0 == "changed draft" }.count }) < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(heard.signals.withLock { $0.filter { $0 == "changed draft" }.count } == 2)
        }
    }
}
