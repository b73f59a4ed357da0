import Foundation
import Hummingbird
import Pushcast

/// `Authorization: Bearer <token>` (or `?token=` where a browser cannot send headers).
enum BearerToken {
    static func from(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            return String(parts[1]).trimmingCharacters(in: .whitespaces)
        }
        return request.uri.queryParameters["token"].map(String.init)
    }

    /// Compares in time that does not depend on where the strings differ.
    static func matches(_ given: String, _ expected: String) -> Bool {
        SubscriberCredentials.matches(given, hash: SubscriberCredentials.hash(expected))
    }
}
