import Foundation

/// The live headline as an image (SPEC §3.2): a 468×60 banner, the classic ad size, with
/// the channel's name, the newest item's title and its date (the publisher's LASTMOD, else
/// when it was logged). Text is escaped for XML and cut to fit; an SVG shown by `<img>`
/// runs no script whatever it holds.
enum BadgeSVG {
    static let width = 468
    static let height = 60
    static let fonts = "DejaVu Sans, Verdana, Arial, sans-serif"

    static func render(_ view: ChannelView) -> String {
        let newest = view.items.first
        let headline: String
        switch (view.status, newest) {
        case (.retired, _): headline = "This channel has ended"
        case (_, let item?): headline = item.title
        case (_, nil): headline = "No headlines yet"
        }
        var caption = cut(view.title, to: 40).uppercased()
        if let newest { caption += " · " + PageHTML.shortDate(newest.date) }
        let label = "\(view.title): \(headline)"
        return [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
                + "role=\"img\" aria-label=\"\(PageHTML.escape(label))\">",
            "<title>\(PageHTML.escape(label))</title>",
            "<rect width=\"\(width)\" height=\"\(height)\" rx=\"6\" fill=\"#13293d\"/>",
            "<rect width=\"6\" height=\"\(height)\" fill=\"#f4a261\"/>",
            "<text x=\"18\" y=\"21\" font-family=\"\(fonts)\" font-size=\"11\" letter-spacing=\"0.6\" fill=\"#a9c1d9\">"
                + "\(PageHTML.escape(caption))</text>",
            "<text x=\"18\" y=\"44\" font-family=\"\(fonts)\" font-size=\"17\" font-weight=\"bold\" fill=\"#ffffff\">"
                + "\(PageHTML.escape(cut(headline, to: 42)))</text>",
            "</svg>",
        ].joined(separator: "\n")
    }

    /// At most `length` characters, with an ellipsis when cut.
    static func cut(_ text: String, to length: Int) -> String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return flat.count <= length ? flat : flat.prefix(length - 1).trimmingCharacters(in: .whitespaces) + "…"
    }
}
