import Foundation
import GRDB

/// Why the database cannot be used, in words a person acts on (never SQLite's or
/// Foundation's error text).
public enum StoreFailure {
    public static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_CANTOPEN: return "the file cannot be opened"
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH: return "it is read-only for this user"
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return "the file is not a Pushcast database"
            case .SQLITE_BUSY, .SQLITE_LOCKED: return "another program holds it locked"
            case .SQLITE_FULL: return "the disk is full"
            default: return "SQLite refused it"
            }
        }
        if let error = error as? CocoaError {
            switch error.code {
            case .fileWriteNoPermission, .fileReadNoPermission: return "its folder cannot be created by this user"
            case .fileWriteOutOfSpace: return "the disk is full"
            default: return "its folder cannot be created"
            }
        }
        return "it cannot be used"
    }
}
