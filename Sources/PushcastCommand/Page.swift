import ArgumentParser
import Foundation
import PushcastClient

/// `pushcast page`: the address of this reader's own live page (all its channels, kept
/// current in the browser). It holds the reader's token, so it is said to be private.
struct Page: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the address of this reader's live page.")
    @OptionGroup var options: ClientOptions

    func run() async throws {
        do {
            let identity = try await options.identity(register: false)
            print("\(try await options.api().server)/subscribers/\(identity.id)/live?token=\(identity.token)")
            StandardError.say("the address holds this reader's token: open it in your browser, and share it with nobody")
        } catch {
            throw StandardError.fail(error)
        }
    }
}
