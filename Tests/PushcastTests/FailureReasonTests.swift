import Foundation
import GRDB
import NIOCore
import Testing

@testable import Pushcast

/// Failures said in words in the log (issue 13: never an error type, errno or a library's text).
@Suite("Failure reasons")
struct FailureReasonTests {
    struct SomethingInternal: Error {}

    @Test func eachKindOfFailureIsSaidInWords() {
        let cases: [(any Error, String)] = [
            (DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"), "the database refused it (the disk is full)"),
            (DatabaseError(resultCode: .SQLITE_READONLY), "the database refused it (it is read-only for this user)"),
            (IOError(errnoCode: ECONNREFUSED, reason: "connect"), "nothing is listening there"),
            (CocoaError(.fileReadNoSuchFile), "a file is not there"),
            (SomethingInternal(), "an unexpected failure (--log-level debug shows its details)"),
        ]
        for (error, words) in cases {
            #expect(FailureReason.words(error) == words)
        }
        let decoding = DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "x"))
        #expect(FailureReason.words(decoding) == "stored data is not in the form this version of Pushcast reads")
    }
}
