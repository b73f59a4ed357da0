import CLibXML2
import Foundation

/// A small Swift face on libxml2's `xmlTextWriter`, writing UTF-8 XML into memory. It
/// escapes text and attribute values as XML requires, and it drops the characters XML 1.0
/// cannot hold at all (control characters other than tab, line feed and carriage return;
/// U+FFFE and U+FFFF), which a manifest may still carry after legacy repair.
final class XMLWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr

    private static let initialized: Void = xmlInitParser()

    init?() {
        _ = Self.initialized
        guard let buffer = xmlBufferCreate() else { return nil }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            return nil
        }
        self.buffer = buffer
        self.writer = writer
        xmlTextWriterSetIndent(writer, 1)
        xmlTextWriterSetIndentString(writer, "  ")
        xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil)
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    func start(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
        xmlTextWriterStartElement(writer, name)
        for case let (key, value?) in attributes {
            xmlTextWriterWriteAttribute(writer, key, Self.clean(value))
        }
    }

    func end() {
        xmlTextWriterEndElement(writer)
    }

    /// `<name attributes>text</name>`; nothing when `text` is nil.
    func element(_ name: String, _ text: String?, _ attributes: KeyValuePairs<String, String?> = [:]) {
        guard let text else { return }
        start(name, attributes)
        xmlTextWriterWriteString(writer, Self.clean(text))
        end()
    }

    /// An element with attributes only.
    func empty(_ name: String, _ attributes: KeyValuePairs<String, String?>) {
        start(name, attributes)
        end()
    }

    /// The document, every element closed.
    func finish() -> Data {
        xmlTextWriterEndDocument(writer)
        xmlTextWriterFlush(writer)
        guard let content = xmlBufferContent(buffer) else { return Data() }
        return Data(bytes: content, count: Int(xmlBufferLength(buffer)))
    }

    /// `text` without the characters XML 1.0 forbids.
    static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !allowed($0) }) else { return text }
        var cleaned = String.UnicodeScalarView()
        cleaned.append(contentsOf: text.unicodeScalars.filter(allowed))
        return String(cleaned)
    }

    private static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0..<0x20, 0xFFFE, 0xFFFF: false
        default: true
        }
    }
}
