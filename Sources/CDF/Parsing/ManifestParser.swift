/// Reads a channel manifest (SPEC §1): bytes in, a `Manifest` out. Pure: no clock, no
/// file system, no network.
///
/// The file is read strictly first; if it is not well-formed XML it is repaired and read
/// again in legacy mode; if neither yields a root CHANNEL it is rejected. Local HREFs are
/// resolved as paths below the folder the manifest sits in (`channels/`).
public enum ManifestParser {
    /// Parses `bytes`, the contents of the manifest at `file` (the path as it should be
    /// shown in diagnostics; its stem gives the channel id). `fileSize` is the size of the
    /// whole file when the caller read only the first `limits.maxBytes + 1` bytes of it.
    public static func parse(
        _ bytes: [UInt8], file: String, fileSize: Int? = nil, limits: ParseLimits = ParseLimits()
    ) -> Manifest {
        let stem = ChannelID.stem(ofFile: file)
        var attempt = Attempt(file: file, id: ChannelID.id(forStem: stem) ?? stem)
        if ChannelID.id(forStem: stem) == nil {
            attempt.reject(
                .badChannelID,
                "'\(stem)' is not a valid channel id (1 to 64 of a-z 0-9 . _ -, starting with a letter or digit); rename the file")
        }
        let size = max(fileSize ?? bytes.count, bytes.count)
        guard size <= limits.maxBytes else {
            attempt.reject(.tooLarge, "the file is \(size) bytes; manifests may be at most \(limits.maxBytes)")
            return attempt.result(nil)
        }
        guard !bytes.isEmpty else {
            attempt.reject(.notWellFormed, "the file is empty")
            return attempt.result(nil)
        }

        let strictBuilder = ChannelBuilder(file: file, limits: limits)
        let strict = XMLEventParser.parse(bytes, recover: false, into: strictBuilder)
        if let stop = strict.stop {
            attempt.reject(stop)
            return attempt.result(nil)
        }
        if strict.wellFormed, let root = strictBuilder.root {
            return attempt.result(.strict, assembling: root, log: strictBuilder.log)
        }
        let strictError = strict.firstError ?? XMLProblem(message: "not well-formed", position: .start)

        let decoded: LegacyDecoder.Decoded
        switch LegacyDecoder.decode(bytes) {
        case .success(let value): decoded = value
        case .failure(.unsupportedEncoding(let name)):
            attempt.reject(
                .badEncoding,
                "not well-formed (\(strictError.message)), and legacy mode reads only UTF-8, UTF-16, ISO-8859-1 and windows-1252, not '\(name)'",
                at: strictError.position)
            return attempt.result(nil)
        }
        let legacyBuilder = ChannelBuilder(file: file, limits: limits)
        let legacy = XMLEventParser.parse(LegacyRepair.repair(decoded.utf8), recover: true, into: legacyBuilder)
        switch legacy.stop {
        case .wrongRoot?, nil:
            // Not well-formed, and no CHANNEL even when repaired: not a manifest at all.
            guard legacy.stop == nil, let root = legacyBuilder.root else {
                attempt.reject(.notWellFormed, strictError.message, at: strictError.position)
                return attempt.result(nil)
            }
            return legacyResult(root, legacyBuilder.log, decoded, bytes, strictError, &attempt)
        case let stop?:
            attempt.reject(stop)
            return attempt.result(nil)
        }
    }

    private static func legacyResult(
        _ root: ChannelDraft, _ log: DiagnosticLog, _ decoded: LegacyDecoder.Decoded, _ bytes: [UInt8],
        _ strictError: XMLProblem, _ attempt: inout Attempt
    ) -> Manifest {
        if let offset = decoded.firstInvalidOffset {
            let byte = String(bytes[offset], radix: 16, uppercase: true).leftPadded(to: 2)
            attempt.reject(
                .badEncoding,
                "byte 0x\(byte) is not valid in the file's encoding (UTF-8 unless declared); if the file is in another encoding, declare it, e.g. <?xml version=\"1.0\" encoding=\"windows-1252\"?>",
                at: position(ofByte: offset, in: bytes))
            return attempt.result(nil)
        }
        attempt.diagnostics.append(
            Diagnostic(
                .warning, .legacySyntax,
                "not well-formed XML (\(strictError.message)); read in legacy mode", file: attempt.file,
                line: strictError.position.line, column: strictError.position.column))
        return attempt.result(.legacy, assembling: root, log: log)
    }

    /// The line and column of a byte offset, counting characters as UTF-8 lead bytes.
    static func position(ofByte offset: Int, in bytes: [UInt8]) -> SourcePosition {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourcePosition(line: line, column: column)
    }

    /// The diagnostics of one manifest as they are found, and how it ends.
    private struct Attempt {
        let file: String
        let id: String
        var diagnostics: [Diagnostic] = []

        mutating func reject(_ code: DiagnosticCode, _ message: String, at position: SourcePosition = .start) {
            diagnostics.append(
                Diagnostic(.error, code, message, file: file, line: position.line, column: position.column))
        }

        mutating func reject(_ stop: XMLStopReason) {
            switch stop {
            case .entityDeclared(let name, let position):
                reject(
                    .entityDeclared,
                    "the DOCTYPE declares the entity '\(name)'; entity declarations are refused (they are how XXE and entity blow-up attacks arrive)",
                    at: position)
            case .tooDeep(let message, let position):
                reject(.tooDeep, message, at: position)
            case .wrongRoot(let name, let position):
                reject(.notAChannel, "the root element is \(name), not CHANNEL", at: position)
            }
        }

        func result(_ channel: Channel?) -> Manifest {
            Manifest(file: file, id: id, mode: nil, diagnostics: diagnostics, channel: channel)
        }

        func result(_ mode: ParseMode, assembling root: ChannelDraft, log: DiagnosticLog) -> Manifest {
            var assembler = ChannelAssembler(log: log)
            let channel = assembler.assemble(root)
            return Manifest(
                file: file, id: id, mode: mode, diagnostics: diagnostics + assembler.log.sorted, channel: channel)
        }
    }
}
