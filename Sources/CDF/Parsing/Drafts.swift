/// What the parser collected for one element, before any value is interpreted: the
/// builder fills drafts in document order, the assembler then turns them into a `Channel`.
/// (A section's title may come after its items, so labels and HREFs are settled at the end.)
class EntryDraft {
    let attributes: AttributeList
    let position: SourcePosition
    var title: TextDraft?
    var abstract: TextDraft?
    var anchor: AnchorDraft?
    var logos: [ElementDraft] = []
    var usage: ElementDraft?

    init(attributes: AttributeList, position: SourcePosition) {
        self.attributes = attributes
        self.position = position
    }
}

/// A CHANNEL: the root, or a section (sub-channel) of it.
final class ChannelDraft: EntryDraft {
    enum Child {
        case item(ItemDraft)
        case section(ChannelDraft)
    }

    var children: [Child] = []
    var schedule: ScheduleDraft?
}

/// An ITEM.
final class ItemDraft: EntryDraft {}

/// An element whose attributes are all that matters (LOGO, USAGE, INTERVALTIME …).
struct ElementDraft {
    let attributes: AttributeList
    let position: SourcePosition
}

/// The text of a TITLE, ABSTRACT or A, collected as UTF-8.
final class TextDraft {
    let position: SourcePosition
    /// `XML-SPACE="preserve"`: keep the text exactly as written.
    let preserve: Bool
    var bytes: [UInt8] = []

    init(position: SourcePosition, preserve: Bool) {
        self.position = position
        self.preserve = preserve
    }

    /// The text, white space folded unless preserved; nil when there is none. The bytes
    /// are folded as bytes (XML white space is ASCII, never part of a longer character), as
    /// `String.collapsingWhitespace` folds scalars: every title of every load passes here.
    var value: String? {
        guard bytes.contains(where: { !Self.isWhitespace($0) }) else { return nil }
        if preserve { return String(decoding: bytes, as: UTF8.self) }
        var folded: [UInt8] = []
        folded.reserveCapacity(bytes.count)
        var pendingSpace = false
        for byte in bytes {
            if Self.isWhitespace(byte) {
                pendingSpace = !folded.isEmpty
            } else {
                if pendingSpace { folded.append(UInt8(ascii: " ")) }
                pendingSpace = false
                folded.append(byte)
            }
        }
        return String(decoding: folded, as: UTF8.self)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// An `A` element: a link with text.
struct AnchorDraft {
    let element: ElementDraft
    let text: TextDraft
}

/// A SCHEDULE and its three timing children.
final class ScheduleDraft {
    let element: ElementDraft
    var interval: ElementDraft?
    var earliest: ElementDraft?
    var latest: ElementDraft?

    init(element: ElementDraft) {
        self.element = element
    }
}
