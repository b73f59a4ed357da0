/// Turns the SAX events of one parse into drafts, checking structure as it goes: which
/// element may stand where (SPEC §1.1), the nesting and item limits, and the elements
/// that are parsed and ignored.
final class ChannelBuilder: XMLEventSink {
    private(set) var log: DiagnosticLog
    private(set) var root: ChannelDraft?
    private let limits: ParseLimits

    /// What the element being read is, and so what its children may be.
    private enum Frame {
        case channel(ChannelDraft)
        case item(ItemDraft)
        case text(TextDraft)
        case schedule(ScheduleDraft)
        /// USAGE: its children (OPENAS, WIDTH, HEIGHT, CANRESIZE …) are accepted and not read.
        case usage
        /// Anything whose content is not read: ignored, unknown or misplaced elements.
        case opaque
    }

    private var frames: [Frame] = []
    private var channelDepth = 0
    private var itemCount = 0

    /// Elements that are parsed and ignored, with a warning (SPEC §1.1).
    static let ignoredElements: [String: String] = [
        "LOG": "page-hit logging is not served",
        "LOGTARGET": "page-hit logging is not served",
        "PURGETIME": "page-hit logging is not served",
        "HTTP-EQUIV": "page-hit logging is not served",
        "LOGIN": "stored credentials are not served",
        "SOFTPKG": "remote software installs are not served",
    ]

    init(file: String, limits: ParseLimits) {
        self.limits = limits
        self.log = DiagnosticLog(file: file, limit: limits.maxDiagnostics)
    }

    func startElement(_ name: String, attributes raw: [(name: String, value: String)], at position: SourcePosition)
        -> XMLStopReason?
    {
        if frames.count >= limits.maxElementDepth {
            return .tooDeep(message: "elements nest deeper than \(limits.maxElementDepth) levels", at: position)
        }
        let element = name.uppercased()
        guard let parent = frames.last else {
            guard element == "CHANNEL" else { return .wrongRoot(name: name, at: position) }
            let draft = ChannelDraft(attributes: AttributeList(raw), position: position)
            root = draft
            channelDepth = 1
            frames.append(.channel(draft))
            return nil
        }
        switch parent {
        case .opaque, .usage:
            frames.append(.opaque)
        case .text(let text):
            // Markup inside a title (<B>, <BR>): its text still belongs to the title.
            frames.append(.text(text))
        case .schedule(let schedule):
            scheduleChild(schedule, element, name, ElementDraft(attributes: AttributeList(raw), position: position))
        case .channel(let channel):
            return channelChild(channel, element, name, AttributeList(raw), position)
        case .item(let item):
            itemChild(item, element, name, AttributeList(raw), position)
        }
        return nil
    }

    func endElement() {
        guard let frame = frames.popLast() else { return }
        if case .channel = frame { channelDepth -= 1 }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard case .text(let text)? = frames.last else { return }
        text.bytes.append(contentsOf: bytes)
    }

    func undefinedEntity(_ name: String, at position: SourcePosition) {
        let replacement = HTMLEntities.scalar(named: name).map { String(Character($0)) } ?? "&\(name);"
        log.warning(
            .undefinedEntity, "the entity '&\(name);' is not defined in XML; read as '\(replacement)'", at: position)
        if case .text(let text)? = frames.last { text.bytes.append(contentsOf: replacement.utf8) }
    }

    // MARK: - Children, by parent

    private func channelChild(
        _ channel: ChannelDraft, _ element: String, _ name: String, _ attributes: AttributeList,
        _ position: SourcePosition
    ) -> XMLStopReason? {
        switch element {
        case "CHANNEL":
            guard channelDepth < limits.maxChannelDepth else {
                return .tooDeep(message: "CHANNEL elements nest deeper than \(limits.maxChannelDepth)", at: position)
            }
            let section = ChannelDraft(attributes: attributes, position: position)
            channel.children.append(.section(section))
            channelDepth += 1
            frames.append(.channel(section))
        case "ITEM":
            guard itemCount < limits.maxItems else {
                if itemCount == limits.maxItems {
                    log.warning(
                        .tooManyItems, "more than \(limits.maxItems) items; the rest are left out", at: position)
                }
                itemCount += 1
                frames.append(.opaque)
                return nil
            }
            itemCount += 1
            let item = ItemDraft(attributes: attributes, position: position)
            channel.children.append(.item(item))
            frames.append(.item(item))
        case "SCHEDULE":
            if channel !== root {
                ignore(element, position, because: "SCHEDULE is read only from the top-level CHANNEL")
            } else if channel.schedule != nil {
                duplicate(element, position)
            } else {
                let schedule = ScheduleDraft(element: ElementDraft(attributes: attributes, position: position))
                channel.schedule = schedule
                frames.append(.schedule(schedule))
            }
        default:
            entryChild(channel, element, name, attributes, position)
        }
        return nil
    }

    private func itemChild(
        _ item: ItemDraft, _ element: String, _ name: String, _ attributes: AttributeList, _ position: SourcePosition
    ) {
        switch element {
        case "SCHEDULE":
            ignore(element, position, because: "SCHEDULE is read only from the top-level CHANNEL")
        case "ITEM", "CHANNEL":
            log.warning(
                .misplacedElement, "\(name) inside ITEM is not allowed; it and its content are ignored",
                at: position)
            frames.append(.opaque)
        default:
            entryChild(item, element, name, attributes, position)
        }
    }

    /// The children a CHANNEL and an ITEM share.
    private func entryChild(
        _ entry: EntryDraft, _ element: String, _ name: String, _ attributes: AttributeList,
        _ position: SourcePosition
    ) {
        switch element {
        case "TITLE", "ABSTRACT":
            let existing = element == "TITLE" ? entry.title : entry.abstract
            guard existing == nil else { return duplicate(element, position) }
            let text = TextDraft(position: position, preserve: preservesSpace(attributes, position))
            if element == "TITLE" { entry.title = text } else { entry.abstract = text }
            frames.append(.text(text))
        case "A":
            guard entry.anchor == nil else { return duplicate(element, position) }
            let text = TextDraft(position: position, preserve: false)
            entry.anchor = AnchorDraft(element: ElementDraft(attributes: attributes, position: position), text: text)
            frames.append(.text(text))
        case "LOGO":
            entry.logos.append(ElementDraft(attributes: attributes, position: position))
            frames.append(.opaque)
        case "USAGE":
            guard entry.usage == nil else { return duplicate(element, position) }
            entry.usage = ElementDraft(attributes: attributes, position: position)
            frames.append(.usage)
        default:
            if let reason = ChannelBuilder.ignoredElements[element] {
                ignore(element, position, because: reason)
            } else {
                log.warning(.unknownElement, "\(name) is not a CDF element; it is ignored", at: position)
                frames.append(.opaque)
            }
        }
    }

    private func scheduleChild(_ schedule: ScheduleDraft, _ element: String, _ name: String, _ draft: ElementDraft) {
        frames.append(.opaque)
        switch element {
        case "INTERVALTIME" where schedule.interval == nil: schedule.interval = draft
        case "EARLIESTTIME" where schedule.earliest == nil: schedule.earliest = draft
        case "LATESTTIME" where schedule.latest == nil: schedule.latest = draft
        case "INTERVALTIME", "EARLIESTTIME", "LATESTTIME":
            log.warning(.duplicateElement, "a second \(element) in one SCHEDULE is ignored", at: draft.position)
        default:
            log.warning(.unknownElement, "\(name) is not allowed in SCHEDULE; it is ignored", at: draft.position)
        }
    }

    private func ignore(_ element: String, _ position: SourcePosition, because reason: String) {
        log.warning(.ignoredElement, "\(element) is ignored: \(reason)", at: position)
        frames.append(.opaque)
    }

    private func duplicate(_ element: String, _ position: SourcePosition) {
        log.warning(.duplicateElement, "a second \(element) here is ignored; the first one counts", at: position)
        frames.append(.opaque)
    }

    private func preservesSpace(_ attributes: AttributeList, _ position: SourcePosition) -> Bool {
        guard let value = attributes.first(of: "XML-SPACE", "XML:SPACE") else { return false }
        switch value.trimmingASCIIWhitespace().lowercased() {
        case "preserve": return true
        case "default": return false
        default:
            log.warning(.badValue, "XML-SPACE must be 'default' or 'preserve', not '\(value)'", at: position)
            return false
        }
    }
}
