import CLibXML2

/// Receives the events of one parse, in document order.
protocol XMLEventSink: AnyObject {
    /// An element starts. `name` is `prefix:local` or `local`; attribute values are decoded.
    /// Returning a reason stops the parse at once.
    func startElement(_ name: String, attributes: [(name: String, value: String)], at position: SourcePosition)
        -> XMLStopReason?
    func endElement()
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
    /// A reference to an entity nobody declared (`&nbsp;` in a strict file).
    func undefinedEntity(_ name: String, at position: SourcePosition)
}

/// Why a parse was stopped before the end of the document.
enum XMLStopReason: Sendable, Hashable {
    /// The DOCTYPE declares an entity (general or parameter).
    case entityDeclared(name: String, at: SourcePosition)
    /// Elements nest deeper than the limit.
    case tooDeep(message: String, at: SourcePosition)
    /// The root element is not the one wanted.
    case wrongRoot(name: String, at: SourcePosition)
}

/// libxml2's first complaint about a document.
struct XMLProblem: Sendable, Hashable {
    var message: String
    var position: SourcePosition
}

/// What one parse found.
struct XMLParseOutcome: Sendable {
    /// No error at all (libxml2's `wellFormed`, and not stopped).
    var wellFormed: Bool
    var firstError: XMLProblem?
    var stop: XMLStopReason?
}

/// Drives libxml2's SAX2 parser over a buffer and hands the events to a sink; builds no tree.
///
/// Safety (SPEC §1.3): no network (`XML_PARSE_NONET`, and the deny-all loader of
/// `LibXML2.ready`); no external DTD (never asked for); an entity declaration stops the
/// parse before anything can refer to it, and since this handler stores no entities, none
/// can ever be expanded (so `XML_PARSE_NOENT` only decodes the predefined ones and
/// character references in attribute values). Work is linear in the input.
enum XMLEventParser {
    static func parse(_ bytes: [UInt8], recover: Bool, into sink: any XMLEventSink) -> XMLParseOutcome {
        _ = LibXML2.ready
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) else {
            return XMLParseOutcome(
                wellFormed: false, firstError: XMLProblem(message: "Document is empty", position: .start), stop: nil)
        }
        let session = SAXSession(sink: sink)
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars -> XMLParseOutcome in
                guard let context = xmlCreateMemoryParserCtxt(chars.baseAddress, Int32(chars.count)) else {
                    return XMLParseOutcome(
                        wellFormed: false,
                        firstError: XMLProblem(message: "libxml2 could not start a parser", position: .start),
                        stop: nil)
                }
                defer { xmlFreeParserCtxt(context) }
                var options = XML_PARSE_NONET.rawValue | XML_PARSE_NOENT.rawValue
                if recover { options |= XML_PARSE_RECOVER.rawValue }
                xmlCtxtUseOptions(context, Int32(bitPattern: options))
                context.pointee.sax.pointee = SAXSession.makeHandler()
                context.pointee._private = Unmanaged.passUnretained(session).toOpaque()
                _ = withExtendedLifetime(session) { xmlParseDocument(context) }
                context.pointee._private = nil
                return XMLParseOutcome(
                    wellFormed: context.pointee.wellFormed != 0 && session.stop == nil,
                    firstError: session.firstError, stop: session.stop)
            }
        }
    }
}

/// The state of one parse that the C callbacks reach through the context's `_private`.
private final class SAXSession {
    let sink: any XMLEventSink
    var firstError: XMLProblem?
    var stop: XMLStopReason?

    init(sink: any XMLEventSink) {
        self.sink = sink
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> (SAXSession, xmlParserCtxtPtr)? {
        guard let context else { return nil }
        let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let opaque = parser.pointee._private else { return nil }
        return (Unmanaged<SAXSession>.fromOpaque(opaque).takeUnretainedValue(), parser)
    }

    func halt(_ parser: xmlParserCtxtPtr, _ reason: XMLStopReason) {
        if stop == nil { stop = reason }
        xmlStopParser(parser)
    }

    /// The SAX2 handler: only these callbacks, so no tree, no entity table, no DTD.
    static func makeHandler() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startElementNs = { context, localname, prefix, _, _, _, attributeCount, _, attributes in
            guard let (session, parser) = SAXSession.from(context), session.stop == nil, let localname else { return }
            var name = String(cString: localname)
            if let prefix { name = String(cString: prefix) + ":" + name }
            var list: [(name: String, value: String)] = []
            if let attributes, attributeCount > 0 {
                list.reserveCapacity(Int(attributeCount))
                for index in 0..<Int(attributeCount) {
                    let base = index * 5
                    guard let local = attributes[base], let start = attributes[base + 3],
                        let end = attributes[base + 4]
                    else { continue }
                    var attributeName = String(cString: local)
                    if let attributePrefix = attributes[base + 1] {
                        attributeName = String(cString: attributePrefix) + ":" + attributeName
                    }
                    let value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
                    list.append((attributeName, value))
                }
            }
            if let reason = session.sink.startElement(name, attributes: list, at: SAXSession.tagStart(parser)) {
                session.halt(parser, reason)
            }
        }
        sax.endElementNs = { context, _, _, _ in
            guard let (session, _) = SAXSession.from(context), session.stop == nil else { return }
            session.sink.endElement()
        }
        let text: charactersSAXFunc = { context, characters, length in
            guard let (session, _) = SAXSession.from(context), session.stop == nil, let characters, length > 0 else {
                return
            }
            session.sink.text(UnsafeBufferPointer(start: characters, count: Int(length)))
        }
        sax.characters = text
        sax.cdataBlock = text
        sax.reference = { context, name in
            guard let (session, parser) = SAXSession.from(context), session.stop == nil, let name else { return }
            session.sink.undefinedEntity(String(cString: name), at: SAXSession.currentPosition(parser))
        }
        sax.externalSubset = { context, _, publicID, systemID in
            // The DOCTYPE names an external DTD. It is never loaded; knowing it exists makes
            // an entity it might declare (`&nbsp;`) a warning rather than a fatal error.
            guard let (_, parser) = SAXSession.from(context), publicID != nil || systemID != nil else { return }
            parser.pointee.hasExternalSubset = 1
        }
        sax.entityDecl = { context, name, _, _, _, _ in
            guard let (session, parser) = SAXSession.from(context) else { return }
            let entity = name.map { String(cString: $0) } ?? "?"
            session.halt(parser, .entityDeclared(name: entity, at: SAXSession.currentPosition(parser)))
        }
        sax.serror = { context, error in
            guard let (session, _) = SAXSession.from(context), let error,
                error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, session.firstError == nil,
                error.pointee.code != Int32(XML_ERR_USER_STOP.rawValue)
            else { return }
            let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
            session.firstError = XMLProblem(
                message: message.trimmingASCIIWhitespace(),
                position: SourcePosition(line: max(Int(error.pointee.line), 1), column: max(Int(error.pointee.int2), 1)))
        }
        return sax
    }

    /// Where libxml2 is now reading.
    static func currentPosition(_ parser: xmlParserCtxtPtr) -> SourcePosition {
        guard let input = parser.pointee.input else { return .start }
        return SourcePosition(line: max(Int(input.pointee.line), 1), column: max(Int(input.pointee.col), 1))
    }

    /// The position of the `<` of the start tag being reported: libxml2 calls back with
    /// its cursor at the tag's `>`, so walk back to the `<` (the tag's own length, no more).
    static func tagStart(_ parser: xmlParserCtxtPtr) -> SourcePosition {
        guard let input = parser.pointee.input, let base = input.pointee.base, var cursor = input.pointee.cur
        else { return currentPosition(parser) }
        var line = Int(input.pointee.line)
        var column = Int(input.pointee.col)
        var sawNewline = false
        while cursor > base {
            cursor -= 1
            let byte = cursor.pointee
            if byte == UInt8(ascii: "\n") {
                line -= 1
                sawNewline = true
            } else if !sawNewline && byte & 0xC0 != 0x80 {
                column -= 1
            }
            if byte == UInt8(ascii: "<") { break }
        }
        if sawNewline {
            // The tag spans lines: count the column from the start of the `<`'s line.
            column = 1
            var scan = cursor
            while scan > base, (scan - 1).pointee != UInt8(ascii: "\n"), column < 10_000 {
                scan -= 1
                if scan.pointee & 0xC0 != 0x80 { column += 1 }
            }
        }
        return SourcePosition(line: max(line, 1), column: max(column, 1))
    }
}
