/// Turns the drafts of a parse into a `Channel` (SPEC §1.2): resolves every HREF against
/// its nearest BASE, inherits PRECACHE, settles item identity and duplicates, labels
/// sections, and reads every value, reporting what is wrong as it goes.
struct ChannelAssembler {
    private(set) var log: DiagnosticLog
    /// Each item identity seen so far, with the line it was first seen on.
    private var seen: [String: Int] = [:]

    init(log: DiagnosticLog) {
        self.log = log
    }

    mutating func assemble(_ root: ChannelDraft) -> Channel {
        let base = base(of: root, inside: .local([]))
        let precache = precache(root.attributes, inherited: true, at: root.position)
        var channel = Channel(
            title: title(of: root), abstract: abstract(of: root), href: href(of: root, base),
            base: root.attributes["BASE"] == nil ? nil : base.displayString,
            lastmod: lastmod(root.attributes, at: root.position), precache: precache,
            level: level(root.attributes, at: root.position), logos: logos(of: root, base),
            schedule: ScheduleReader.read(root.schedule, into: &log), usage: usage(of: root))
        let contents = contents(of: root, base: base, precache: precache, path: [])
        channel.items = contents.all
        channel.sections = contents.sections
        return channel
    }

    /// The items and sections of a CHANNEL, in document order.
    private mutating func contents(of channel: ChannelDraft, base: BaseLocation, precache: Bool, path: [String])
        -> (all: [Item], direct: [Item], sections: [Section])
    {
        var all: [Item] = []
        var direct: [Item] = []
        var sections: [Section] = []
        for child in channel.children {
            switch child {
            case .item(let draft):
                if let item = item(draft, base: base, precache: precache, path: path) {
                    all.append(item)
                    direct.append(item)
                }
            case .section(let draft):
                let sectionBase = self.base(of: draft, inside: base)
                let href = href(of: draft, sectionBase)
                let title = title(of: draft)
                let label = title ?? href ?? "(untitled section)"
                // A section's LASTMOD and logos are not part of the parsed form, but a
                // publisher still hears what is wrong with them.
                _ = lastmod(draft.attributes, at: draft.position)
                _ = logos(of: draft, sectionBase)
                let inner = contents(
                    of: draft, base: sectionBase,
                    precache: self.precache(draft.attributes, inherited: precache, at: draft.position),
                    path: path + [label])
                all += inner.all
                sections.append(Section(title: title, href: href, items: inner.direct, sections: inner.sections))
            }
        }
        return (all, direct, sections)
    }

    private mutating func item(_ draft: ItemDraft, base: BaseLocation, precache: Bool, path: [String]) -> Item? {
        guard let raw = draft.attributes["HREF"] ?? draft.anchor?.element.attributes["HREF"],
            !raw.trimmingASCIIWhitespace().isEmpty
        else {
            log.error(.missingHref, "ITEM has no HREF (nor an A with one); it is left out", at: draft.position)
            return nil
        }
        let resolved: ResolvedHref
        switch HrefResolver.resolve(raw, against: base) {
        case .success(let value): resolved = value
        case .failure(let problem):
            log.error(problem.code, "ITEM left out: \(problem.message)", at: draft.position)
            return nil
        }
        let explicitID = draft.attributes["ID"]?.trimmingASCIIWhitespace()
        let id = explicitID.flatMap { $0.isEmpty ? nil : $0 } ?? resolved.value
        if let firstLine = seen[id] {
            log.warning(
                .duplicateItem,
                "an item with identity '\(id)' already appears at line \(firstLine); this one (line \(draft.position.line)) is ignored",
                at: draft.position)
            return nil
        }
        seen[id] = draft.position.line
        return Item(
            id: id, href: resolved.value, local: resolved.local, title: title(of: draft),
            abstract: abstract(of: draft), lastmod: lastmod(draft.attributes, at: draft.position),
            precache: self.precache(draft.attributes, inherited: precache, at: draft.position),
            level: level(draft.attributes, at: draft.position), usage: itemUsage(of: draft),
            logos: logos(of: draft, base), section: path, line: draft.position.line,
            column: draft.position.column)
    }

    // MARK: - Values

    /// A CHANNEL's BASE resolved against the enclosing one; the enclosing one if it has none
    /// (or a bad one, with a warning).
    private mutating func base(of channel: ChannelDraft, inside outer: BaseLocation) -> BaseLocation {
        guard let raw = channel.attributes["BASE"] else { return outer }
        switch HrefResolver.resolveBase(raw, against: outer) {
        case .success(let base): return base
        case .failure(let problem):
            log.warning(problem.code, "BASE ignored: \(problem.message)", at: channel.position)
            return outer
        }
    }

    /// A CHANNEL's own link: its HREF, else its A's HREF. A bad one is a warning: nothing is left out.
    private mutating func href(of channel: ChannelDraft, _ base: BaseLocation) -> String? {
        guard let raw = channel.attributes["HREF"] ?? channel.anchor?.element.attributes["HREF"],
            !raw.trimmingASCIIWhitespace().isEmpty
        else { return nil }
        switch HrefResolver.resolve(raw, against: base) {
        case .success(let resolved): return resolved.value
        case .failure(let problem):
            log.warning(problem.code, "CHANNEL HREF ignored: \(problem.message)", at: channel.position)
            return nil
        }
    }

    /// TITLE element, else TITLE attribute (old CDF), else the A's text.
    private func title(of entry: EntryDraft) -> String? {
        entry.title?.value ?? entry.attributes["TITLE"].flatMap(nonEmpty) ?? entry.anchor?.text.value
    }

    private func abstract(of entry: EntryDraft) -> String? {
        entry.abstract?.value ?? entry.attributes["ABSTRACT"].flatMap(nonEmpty)
    }

    private func nonEmpty(_ text: String) -> String? {
        let folded = text.collapsingWhitespace()
        return folded.isEmpty ? nil : folded
    }

    private mutating func lastmod(_ attributes: AttributeList, at position: SourcePosition) -> Timestamp? {
        guard let raw = attributes["LASTMOD"] else { return nil }
        guard let value = Timestamp(lastmod: raw) else {
            log.warning(
                .badLastmod, "LASTMOD '\(raw)' is not yyyy-mm-ddThh:mm, RFC 3339 or yyyy-mm-dd; it is ignored",
                at: position)
            return nil
        }
        return value
    }

    private mutating func precache(_ attributes: AttributeList, inherited: Bool, at position: SourcePosition) -> Bool {
        guard let raw = attributes["PRECACHE"] else { return inherited }
        switch raw.trimmingASCIIWhitespace().uppercased() {
        case "YES": return true
        case "NO": return false
        default:
            log.warning(.badValue, "PRECACHE must be YES or NO, not '\(raw)'; it is inherited", at: position)
            return inherited
        }
    }

    private mutating func level(_ attributes: AttributeList, at position: SourcePosition) -> Int {
        guard let raw = attributes["LEVEL"] else { return 0 }
        let bytes = Array(raw.trimmingASCIIWhitespace().utf8)
        guard bytes.count <= 4, let value = Digits.number(bytes) else {
            log.warning(.badValue, "LEVEL must be a whole number from 0 to 9999, not '\(raw)'", at: position)
            return 0
        }
        return value
    }

    /// A CHANNEL's USAGE, or nil when it has none.
    private mutating func usage(of entry: EntryDraft) -> Usage? {
        guard let element = entry.usage else { return nil }
        let raw = element.attributes["VALUE"] ?? ""
        guard let usage = Usage(matching: raw) else {
            log.warning(
                .badValue, "USAGE VALUE '\(raw)' is not one of \(Usage.allCases.map(\.rawValue).joined(separator: ", "))",
                at: element.position)
            return nil
        }
        return usage
    }

    /// An ITEM's USAGE child, else its SHOW attribute (legacy), else `Channel`.
    private mutating func itemUsage(of item: ItemDraft) -> Usage {
        if item.usage != nil { return usage(of: item) ?? .channel }
        guard let show = item.attributes["SHOW"] else { return .channel }
        guard let usage = Usage(matching: show) else {
            log.warning(.badValue, "SHOW '\(show)' is not a USAGE value; Channel is used", at: item.position)
            return .channel
        }
        return usage
    }

    /// The logos of a CHANNEL or ITEM: at most one per style, each HREF resolved.
    private mutating func logos(of entry: EntryDraft, _ base: BaseLocation) -> [Logo] {
        var logos: [Logo] = []
        for element in entry.logos {
            let style: Logo.Style
            if let raw = element.attributes["STYLE"] {
                guard let matched = Logo.Style(matching: raw) else {
                    log.warning(
                        .badValue, "LOGO STYLE '\(raw)' is not ICON, IMAGE or IMAGE-WIDE; the logo is ignored",
                        at: element.position)
                    continue
                }
                style = matched
            } else {
                log.warning(.badValue, "LOGO has no STYLE; IMAGE is assumed", at: element.position)
                style = .image
            }
            guard let raw = element.attributes["HREF"], !raw.trimmingASCIIWhitespace().isEmpty else {
                log.error(.missingHref, "LOGO has no HREF; it is left out", at: element.position)
                continue
            }
            guard !logos.contains(where: { $0.style == style }) else {
                log.warning(
                    .duplicateElement, "a second LOGO of style \(style.rawValue) is ignored", at: element.position)
                continue
            }
            switch HrefResolver.resolve(raw, against: base) {
            case .success(let resolved):
                logos.append(Logo(href: resolved.value, style: style, local: resolved.local))
            case .failure(let problem):
                log.error(problem.code, "LOGO left out: \(problem.message)", at: element.position)
            }
        }
        return logos
    }
}
