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

    /// The text, white space folded unless preserved; nil when there is none.
    var value: String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let result = preserve ? text : text.collapsingWhitespace()
        return result.trimmingASCIIWhitespace().isEmpty ? nil : result
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
