import CDF
import Foundation

/// Everything `pushcast serve` tells the engine.
public struct EngineConfiguration: Sendable {
    /// The channels folder, as given (diagnostics name manifests relative to it).
    public var channelsPath: String
    /// The SQLite file, or a `postgres://` URL for a PostgreSQL store (`--db`).
    public var databasePath: String
    /// How often a channel without a SCHEDULE is checked, in seconds.
    public var checkInterval: TimeInterval
    public var parseLimits: ParseLimits
    public var contentLimits: ContentLimits
    /// SPEC §4: the log keeps at least this many items per channel …
    public var retainItems: Int
    /// … or this many days of them, whichever keeps more.
    public var retainDays: Double
    /// How long a burst of file events must be quiet before it is handled, in seconds.
    public var debounce: TimeInterval
    public var hub: HubConfiguration
    /// `--serve-only`: the node neither watches the channels folder nor checks channels; it
    /// serves what other nodes log in the shared database (and the folder's files, if it has them).
    public var serveOnly: Bool

    public init(
        channelsPath: String, databasePath: String, checkInterval: TimeInterval = 900,
        parseLimits: ParseLimits = ParseLimits(), contentLimits: ContentLimits = ContentLimits(),
        retainItems: Int = 1000, retainDays: Double = 30, debounce: TimeInterval = 0.01,
        hub: HubConfiguration = HubConfiguration(), serveOnly: Bool = false
    ) {
        self.channelsPath = channelsPath
        self.databasePath = databasePath
        self.checkInterval = checkInterval
        self.parseLimits = parseLimits
        self.contentLimits = contentLimits
        self.retainItems = retainItems
        self.retainDays = retainDays
        self.debounce = debounce
        self.hub = hub
        self.serveOnly = serveOnly
    }
}
