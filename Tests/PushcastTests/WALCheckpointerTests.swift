import Foundation
import GRDB
import Testing

@testable import Pushcast

/// The store's WAL checkpoints run on the checkpointer's own connection and thread, not in
/// the commit that grew the log (`WALCheckpointer`).
@Suite("WAL checkpoints")
struct WALCheckpointerTests {
    @Test func aLogPastAThousandPagesIsCopiedByTheCheckpointerNotByTheCommit() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("db.sqlite").path
        let store = try SQLiteStore(path: path)
        try await store.write { db in try db.execute(sql: "CREATE TABLE filler (bytes BLOB)") }
        let before = try fileSize(path)
        // Six commits of a mebibyte each: about 1,500 pages of 4 KiB in the log.
        for _ in 0..<6 {
            try await store.write { db in
                try db.execute(sql: "INSERT INTO filler VALUES (?)", arguments: [Data(repeating: 7, count: 1 << 20)])
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while store.checkpointer.completed == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        // SQLite's own checkpoint would have run in the commit and left this at 0.
        #expect(store.checkpointer.completed >= 1)
        #expect(try fileSize(path) >= before + (4 << 20))
        let rows = try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM filler") }
        #expect(rows == 6)
    }

    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
