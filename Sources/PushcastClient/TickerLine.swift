/// The PointCast-style ticker's one line: the newest headlines joined in a loop, of which
/// each frame shows a window as wide as the terminal, one character further along.
public struct TickerLine: Sendable {
    public static let separator = "  ◆  "
    public private(set) var headlines: [String] = []
    private let keep: Int

    public init(keep: Int = 12) {
        self.keep = keep
    }

    /// A new headline; the oldest goes when there are more than `keep`.
    public mutating func add(_ headline: String) {
        headlines.append(headline)
        if headlines.count > keep { headlines.removeFirst(headlines.count - keep) }
    }

    /// The text shown at scroll position `offset`, exactly `width` characters.
    public func frame(width: Int, offset: Int) -> String {
        guard width > 0 else { return "" }
        let loop = Array(headlines.isEmpty ? "no headlines yet: they show here as they come" + Self.separator : headlines.joined(separator: Self.separator) + Self.separator)
        let start = ((offset % loop.count) + loop.count) % loop.count
        return String((0..<width).map { loop[(start + $0) % loop.count] })
    }
}
