import Crypto
import Foundation

/// New subscriber ids and tokens, and the one way a token is checked: by its hash, in time
/// that does not depend on where two hashes differ.
public enum SubscriberCredentials {
    /// 128 random bits, as 32 hex digits.
    public static func newID() -> String {
        randomBytes(16).hexString
    }

    /// 256 random bits, base64url without padding: shown to the subscriber once.
    public static func newToken() -> String {
        Data(randomBytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }

    public static func matches(_ token: String, hash expected: String) -> Bool {
        let given = Array(hash(token).utf8)
        let wanted = Array(expected.utf8)
        guard given.count == wanted.count else { return false }
        return zip(given, wanted).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    public static func isWellFormedID(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
