import CDF
import Foundation

/// One item as a check found it: the manifest's view of it, and its content if the
/// content was read this time (precached items whose file or URL answered with a body).
public struct ItemObservation: Sendable {
    public var item: Item
    public var content: ObservedContent?
    /// Validators from a remote answer without a body (304), kept for the next request.
    public var validators: ContentValidators?
    /// A local item whose file is not there (yet), or could not be read whole: an item
    /// first seen this way is not logged until its file is (SPEC §2: pushed once, whole).
    public var awaitingFile: Bool

    public init(item: Item, content: ObservedContent? = nil, validators: ContentValidators? = nil, awaitingFile: Bool = false) {
        self.item = item
        self.content = content
        self.validators = validators
        self.awaitingFile = awaitingFile
    }
}

/// Content that was read: its hash always, its bytes when within the stored-content limit.
public struct ObservedContent: Sendable, Hashable {
    /// SHA-256, lower-case hex.
    public var hash: String
    public var type: String?
    public var size: Int
    public var bytes: Data?
    public var validators: ContentValidators

    public init(hash: String, type: String?, size: Int, bytes: Data?, validators: ContentValidators = .none) {
        self.hash = hash
        self.type = type
        self.size = size
        self.bytes = bytes
        self.validators = validators
    }
}

/// An HTTP origin's validators for a conditional GET.
public struct ContentValidators: Sendable, Hashable {
    public var etag: String?
    public var lastModified: String?

    public static let none = ContentValidators(etag: nil, lastModified: nil)

    public init(etag: String?, lastModified: String?) {
        self.etag = etag
        self.lastModified = lastModified
    }
}
