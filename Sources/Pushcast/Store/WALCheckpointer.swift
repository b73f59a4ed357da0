import Foundation
import GRDB
import GRDBSQLite
import Logging
import Synchronization

/// Runs the SQLite database's WAL checkpoints on a connection and a thread of their own.
///
/// Left to SQLite, a checkpoint runs inside the commit that grew the write-ahead log past
/// 1,000 pages, on the committing thread: the publish thread, which then syncs the log and
/// the database (three `fdatasync`s, 3–5 ms on this machine, about every 60 publications
/// of a 200-item manifest) while every reader waits for the item. Here the writer's
/// connection reports each commit's log size (`sqlite3_wal_hook`, which also turns SQLite's
/// own checkpoints off for it), and past the same 1,000 pages a passive checkpoint is asked
/// of this thread: it copies what it can without waiting for readers or the writer, who go
/// on meanwhile. At most one is asked at a time; a commit only sets a flag.
final class WALCheckpointer: Sendable {
    /// SQLite's own threshold (`wal_autocheckpoint`), kept.
    static let pages: Int32 = 1000

    private let path: String
    private let asked = Atomic<Bool>(false)
    private let done = Atomic<Int>(0)
    private let connection = Mutex<DatabaseQueue?>(nil)
    private let queue = DispatchQueue(label: "pushcast-checkpoint")
    private let logger = Logger(label: "pushcast.store")

    init(path: String) {
        self.path = path
    }

    /// Checkpoints finished since the server started (for tests).
    var completed: Int { done.load(ordering: .relaxed) }

    /// Makes `db` (the writer's connection) report its commits here. The checkpointer must
    /// live as long as that connection can commit: the store holds both.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, { context, _, _, pages in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(pages: pages)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    private func committed(pages: Int32) {
        guard pages >= Self.pages, !asked.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [self] in
            checkpoint()
            asked.store(false, ordering: .releasing)
        }
    }

    private func checkpoint() {
        do {
            let connection = try self.connection.withLock { connection in
                if let connection { return connection }
                let opened = try DatabaseQueue(path: path)
                connection = opened
                return opened
            }
            try connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
            done.add(1, ordering: .relaxed)
        } catch {
            let reason = (error as? DatabaseError)?.message ?? "it could not be opened"
            logger.warning(
                "The database's write-ahead log could not be copied into \(path) (SQLite says: \(reason)); it grows until the next try. Check the disk's free space and the file's permissions.")
        }
    }
}
