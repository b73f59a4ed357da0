import Foundation
import GRDB
import Logging
import PostgresNIO

/// Why something failed, in words an operator acts on, for log lines: the database's, the
/// network's or a file's reason, never an error type or a library's text. The error itself
/// goes to the debug log, for a bug report (`Logger.failure`).
public enum FailureReason {
    public static func words(_ error: any Error) -> String {
        switch error {
        case is DatabaseError:
            return "the database refused it (\(StoreFailure.reason(error)))"
        case let error as CocoaError where error.isFileError:
            return error.code == .fileNoSuchFile || error.code == .fileReadNoSuchFile
                ? "a file is not there" : "a file could not be read or written (check its permissions and the disk)"
        case is DecodingError, is EncodingError:
            return "stored data is not in the form this version of Pushcast reads"
        case let error as ChannelsDirectoryError:
            return error.description
        case let error as PostgresTransactionError:
            return words(error.beginError ?? error.closureError ?? error.commitError ?? error.rollbackError ?? error)
        case let error as PostgresListener.ListenerEnded:
            return error.description
        case let error as PSQLError:
            if error.code == .server, let message = error.serverInfo?[.message] {
                return "PostgreSQL answered: \(message)"
            }
            if let underlying = error.underlying, let words = ConnectionTrouble.recognise(underlying) {
                return "PostgreSQL cannot be reached (\(words))"
            }
            return "PostgreSQL cannot be reached or closed the connection (check --db, and that the database runs)"
        default:
            return ConnectionTrouble.recognise(error)
                ?? "an unexpected failure (--log-level debug shows its details)"
        }
    }
}

extension Logger {
    /// Logs `message` at `level` with the failure's reason in words, and the error itself
    /// at debug level.
    public func failure(
        _ message: @autoclosure () -> Logger.Message, _ error: any Error, level: Logger.Level = .error,
        metadata: Logger.Metadata = [:]
    ) {
        var metadata = metadata
        metadata["reason"] = "\(FailureReason.words(error))"
        log(level: level, message(), metadata: metadata)
        debug("the failure's details", metadata: ["error": "\(String(reflecting: error))"])
    }
}
