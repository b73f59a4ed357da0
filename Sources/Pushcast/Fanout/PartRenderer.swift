import CDF
import Foundation
import NIOCore

/// Renders log entries and control messages into wire bytes (SPEC §3.1).
///
/// A multipart delimiter is CRLF, `--` and the boundary at the start of a line, so no body
/// may have a line that begins with `--`: JSON bodies have no raw line breaks at all (the
/// encoder escapes them), and the text and HTML renderings make sure of it. That holds for
/// every boundary, so it is checked once here, not per stream.
public struct PartRenderer: Sendable {
    /// Precached content up to this size goes inline in the JSON part; larger, a link.
    public var inlineContentBytes: Int
    /// The server's own base URL, for links to local content.
    public var publicURL: String

    public init(inlineContentBytes: Int = 256 << 10, publicURL: String) {
        self.inlineContentBytes = inlineContentBytes
        self.publicURL = publicURL
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The entry in every wire format; `published` is when the hub published it (nil for a
    /// replay from the log).
    public func render(_ entry: LogEntry, published: ContinuousClock.Instant? = nil) -> RenderedEntry {
        let item = ItemJSON(entry, publicURL: publicURL)
        let json = item.jsonBytes()
        let body = PartBody(entry: entry, renderer: self)
        // Most parts carry nothing beyond the item: the same bytes, written once.
        let partJSON = body.content == nil && body.contentURL == nil
            ? json : item.jsonBytes(content: body.content, contentURL: body.contentURL)
        var parts: [WireFormat: ByteBuffer] = [:]
        parts[.json] = Self.part(
            contentType: WireFormat.json.contentType, channel: entry.channel, seq: entry.seq, event: "item",
            body: partJSON)
        parts[.text] = Self.part(
            contentType: WireFormat.text.contentType, channel: entry.channel, seq: entry.seq, event: "item",
            body: Self.text(item).utf8)
        parts[.html] = Self.part(
            contentType: WireFormat.html.contentType, channel: entry.channel, seq: entry.seq, event: "item",
            body: Self.html(item).utf8)
        return RenderedEntry(
            channel: entry.channel, seq: entry.seq, json: ByteBuffer(bytes: json), parts: parts,
            event: Self.event(id: entry.seq, name: "item", data: partJSON), published: published)
    }

    /// A control part (`snapshot`, `gap`, `heartbeat`, `retired`) with a JSON body.
    public static func control(_ event: String, channel: String?, json: some Encodable) -> ByteBuffer {
        part(contentType: "application/json", channel: channel, seq: nil, event: event,
             body: (try? encoder.encode(json)) ?? Data("{}".utf8))
    }

    /// A control event for Server-Sent Events.
    public static func controlEvent(_ event: String, json: some Encodable) -> ByteBuffer {
        Self.event(id: nil, name: event, data: (try? encoder.encode(json)) ?? Data("{}".utf8))
    }

    static func part(
        contentType: String, channel: String?, seq: Int64?, event: String, body: some Collection<UInt8>
    ) -> ByteBuffer {
        var head = "Content-Type: \(contentType)\r\n"
        if let channel { head += "Pushcast-Channel: \(channel)\r\n" }
        if let seq { head += "Pushcast-Seq: \(seq)\r\n" }
        head += "Pushcast-Event: \(event)\r\n\r\n"
        var buffer = ByteBuffer()
        buffer.reserveCapacity(head.utf8.count + body.count + 2)
        buffer.writeString(head)
        buffer.writeBytes(body)
        buffer.writeString("\r\n")
        return buffer
    }

    static func event(id: Int64?, name: String, data: some Collection<UInt8>) -> ByteBuffer {
        var buffer = ByteBuffer()
        if let id { buffer.writeString("id: \(id)\n") }
        buffer.writeString("event: \(name)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }

    /// For terminals: title, abstract, link; no line begins with `--`.
    static func text(_ item: ItemJSON) -> String {
        var lines = ["[\(item.channel) #\(item.seq)] \(item.title ?? item.href)\(item.event == "updated" ? " (updated)" : "")"]
        if let abstract = item.abstract { lines.append(abstract) }
        lines.append(item.href)
        return lines.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("--") ? " " + $0 : String($0) }
            .joined(separator: "\r\n")
    }

    /// An HTML fragment on one line, every value escaped.
    static func html(_ item: ItemJSON) -> String {
        let link = item.href.lowercased().hasPrefix("http") ? item.href : "#"
        var html = "<article class=\"item\" data-channel=\"\(XMLEscaping.attribute(item.channel))\" data-seq=\"\(item.seq)\">"
        html += "<h2><a href=\"\(XMLEscaping.attribute(link))\">\(XMLEscaping.attribute(item.title ?? item.href))</a></h2>"
        if let abstract = item.abstract { html += "<p>\(XMLEscaping.attribute(abstract))</p>" }
        html += "<p class=\"meta\"><time datetime=\"\(item.publishedAt)\">\(item.publishedAt)</time>"
        html += item.event == "updated" ? " · updated" : ""
        return html + "</p></article>"
    }
}

/// What an item part's JSON body has beyond the item: its content inline when it is
/// precached text within the inline limit, else a link to it when precached.
private struct PartBody {
    let content: String?
    let contentURL: String?

    init(entry: LogEntry, renderer: PartRenderer) {
        let isText = entry.contentType.map { type in
            type.hasPrefix("text/") || type.contains("json") || type.contains("xml")
        } ?? false
        if entry.precache, isText, let bytes = entry.content, bytes.count <= renderer.inlineContentBytes,
            let text = String(data: bytes, encoding: .utf8)
        {
            content = text
            contentURL = nil
        } else {
            content = nil
            contentURL = entry.precache ? "\(renderer.publicURL)/channels/\(entry.channel)/items/\(entry.seq)/content" : nil
        }
    }
}
