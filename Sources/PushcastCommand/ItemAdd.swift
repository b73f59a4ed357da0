import ArgumentParser
import CDF
import Foundation
import Pushcast

/// `pushcast item …`: changes a channel's items in its manifest (docs/PUBLISHING.md).
struct ItemGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "item", abstract: "Change a channel's items.", subcommands: [ItemAdd.self])
}

/// `pushcast item add MANIFEST --title T (--href H | --file F)`: appends an ITEM safely.
struct ItemAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an item at the end of a channel's manifest.",
        discussion: """
            --file first copies the file into the channel's folder (DIR/ID/). The new \
            manifest is then checked as `pushcast validate` checks it and renamed over the \
            old one only if the item loads cleanly; otherwise nothing is changed. A running \
            server logs the item as new at once. See docs/PUBLISHING.md.
            """)

    @Argument(help: "The channel's manifest, e.g. channels/news.cdf.")
    var manifest: String

    @Option(help: "The item's title.")
    var title: String

    @Option(help: "One or two sentences about the item.")
    var abstract: String?

    @Option(help: "The item's page: an http(s) URL, or a path beside the manifest (news/story.html).")
    var href: String?

    @Option(help: "A file to copy into the channel's folder and push as the item's page.")
    var file: String?

    @Option(help: "A stable identity for the item (default: its HREF).")
    var id: String?

    @Option(help: "When the item last changed: yyyy-mm-ddThh:mm in UTC, RFC 3339, yyyy-mm-dd, or now.")
    var lastmod = "now"

    func validate() throws {
        switch (href, file) {
        case (nil, nil): throw ValidationError("Give the item's page with --href or --file.")
        case (.some, .some): throw ValidationError("Give --href or --file, not both.")
        default: break
        }
        guard lastmod == "now" || Timestamp(lastmod: lastmod) != nil else {
            throw ValidationError("--lastmod takes yyyy-mm-ddThh:mm in UTC (as CDF files have it), RFC 3339, yyyy-mm-dd, or now.")
        }
    }

    func run() throws {
        let when = lastmod == "now" ? Timestamp(Date()).wholeMinute : Timestamp(lastmod: lastmod) ?? Timestamp(Date())
        let source: ItemRequest.Source = file.map { .file($0) } ?? .href(href ?? "")
        let limits = ParseLimits(maxBytes: EnvironmentDefault.number("PUSHCAST_MAX_MANIFEST_BYTES", ParseLimits().maxBytes))
        let added: AddedItem
        do {
            added = try ItemPublisher(manifestPath: manifest, limits: limits).add(
                ItemRequest(title: title, abstract: abstract, id: id, source: source, lastmod: when))
        } catch {
            throw StandardError.fail(error)
        }
        if let copied = added.copiedTo, let file { print("copied \(file) to \(copied)") }
        print("added \"\(title)\" to \(manifest): item \(added.item.id), LASTMOD \(when.lastmodText)")
        print("a running pushcast serve logs it as new now; check the manifest with: pushcast validate \(manifest)")
    }
}
