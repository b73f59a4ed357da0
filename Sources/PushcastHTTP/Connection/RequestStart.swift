/// Whether a connection's first bytes can start an HTTP/1 request, read before any HTTP
/// handler sees them: a method token (RFC 9110 `tchar`s), then a space, perhaps after a
/// blank line or two. Bytes that cannot (a TLS handshake from someone who typed
/// `https://`, anything binary) close the connection at once instead of waiting for a head
/// that never comes.
enum RequestStart {
    enum Verdict: Equatable {
        /// Too few bytes to tell.
        case undecided
        case plausible
        case impossible
    }

    /// The longest method token waited for.
    static let longestMethod = 20

    static func check(_ bytes: some Collection<UInt8>) -> Verdict {
        var method = 0
        var leading = true
        for byte in bytes {
            if leading, byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") { continue }
            leading = false
            if byte == UInt8(ascii: " ") { return method > 0 ? .plausible : .impossible }
            guard isTokenCharacter(byte), method < longestMethod else { return .impossible }
            method += 1
        }
        return .undecided
    }

    /// RFC 9110 `tchar`: `!#$%&'*+-.^_`|~`, digits and letters.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
