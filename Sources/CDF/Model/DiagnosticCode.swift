/// The stable, kebab-case names of everything the manifest parser can report.
///
/// Scripts match on these, so a code is never renamed once shipped; the message beside
/// it is for people and may change.
public enum DiagnosticCode: String, Sendable, Hashable, Codable, CaseIterable {
    // The manifest is rejected (`ok` is false).
    case notWellFormed = "not-well-formed"
    case tooLarge = "too-large"
    case tooDeep = "too-deep"
    case entityDeclared = "entity-declared"
    case notAChannel = "not-a-channel"
    case badChannelID = "bad-channel-id"
    case badEncoding = "bad-encoding"
    case unreadable = "unreadable"

    // One item (or logo) is left out; the manifest stays usable.
    case missingHref = "missing-href"
    case unsupportedScheme = "unsupported-scheme"
    case hrefOutsideChannels = "href-outside-channels"
    case badHref = "bad-href"

    // Warnings.
    case legacySyntax = "legacy-syntax"
    case badLastmod = "bad-lastmod"
    case duplicateItem = "duplicate-item"
    case duplicateElement = "duplicate-element"
    case badSchedule = "bad-schedule"
    case badTimezone = "bad-timezone"
    case badValue = "bad-value"
    case ignoredElement = "ignored-element"
    case unknownElement = "unknown-element"
    case misplacedElement = "misplaced-element"
    case undefinedEntity = "undefined-entity"
    case missingFile = "missing-file"
    case tooManyItems = "too-many-items"
    case tooManyDiagnostics = "too-many-diagnostics"

    /// Whether a diagnostic with this code rejects the whole manifest.
    public var rejectsManifest: Bool {
        switch self {
        case .notWellFormed, .tooLarge, .tooDeep, .entityDeclared, .notAChannel, .badChannelID,
            .badEncoding, .unreadable:
            true
        default:
            false
        }
    }
}
