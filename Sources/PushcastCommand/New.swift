import ArgumentParser
import CDF
import Foundation
import Pushcast

/// `pushcast new NAME`: starts a channel, a manifest `DIR/NAME.cdf` and its first page
/// `DIR/NAME/welcome.html`, and says what to do next (docs/PUBLISHING.md).
struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a channel: a manifest and its first page.",
        discussion: """
            Writes DIR/NAME/welcome.html, then DIR/NAME.cdf, each whole (a running server \
            never sees half a file) and never over an existing file. See docs/PUBLISHING.md.
            """)

    @Argument(help: "The channel id: 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit.")
    var name: String

    @Option(help: "The channels folder, as for serve (also PUSHCAST_CHANNELS).")
    var channels = EnvironmentDefault.string("PUSHCAST_CHANNELS", "channels")

    @Option(help: "The channel's title (default: the name, in words).")
    var title: String?

    @Option(help: "One sentence saying what the channel is about.")
    var abstract: String?

    func run() throws {
        let title = self.title ?? Self.words(name)
        let abstract = self.abstract ?? "\(title), pushed to subscribers as it changes."
        for (option, value) in [("--title", title), ("--abstract", abstract)] {
            if value.allSatisfy(\.isWhitespace) {
                throw StandardError.fail(PublishingError("\(option) is empty; give one readers will see."))
            }
            if XMLEscaping.firstForbiddenScalar(in: value) != nil {
                throw StandardError.fail(PublishingError("\(option) holds a control character, which a manifest cannot hold; remove it."))
            }
        }
        var folder = channels
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        let written: ChannelStarter.Written
        do {
            written = try ChannelStarter(folder: folder).create(
                StarterChannel(id: name, title: title, abstract: abstract, lastmod: Timestamp(Date())))
        } catch {
            throw StandardError.fail(error)
        }
        let server = EnvironmentDefault.string("PUSHCAST_SERVER", "http://127.0.0.1:8080")
        print(
            """
            wrote \(written.page): the first item's page
            wrote \(written.manifest): the channel "\(title)", with 1 item
            next:
              pushcast item add \(written.manifest) --title "First story" --file story.html
              pushcast validate \(written.manifest)
              \(server)/channels/\(name)   (while pushcast serve runs on \(folder))
            """)
    }

    /// `harbor-news` → `Harbor News`.
    static func words(_ id: String) -> String {
        id.split(whereSeparator: { "-_.".contains($0) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined(separator: " ")
    }
}
