import ArgumentParser
import Foundation
import Pushcast
import PushcastClient

/// What a command tells a person on standard error: notes (connection news, hints), and
/// the sentence it fails with, exit status 1. Every `pushcast: …` line goes through here.
enum StandardError {
    static func say(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data("pushcast: \(text)\n".utf8))
    }

    /// Says `sentence` and gives the exit status for a failure.
    static func fail(saying sentence: String) -> ExitCode {
        say(sentence)
        return ExitCode(1)
    }

    /// A reader's or a publisher's error, as its sentence with a hint.
    static func fail(_ error: any Error) -> ExitCode {
        let text =
            switch error {
            case let error as ClientError: error.description
            case let error as PublishingError: error.description
            default: "something unexpected went wrong; try again, and report it if it lasts."
            }
        return fail(saying: text)
    }
}
