import Foundation
import Hummingbird
import Pushcast

/// `If-None-Match` and `If-Modified-Since` (RFC 9110 §13): whether a 304 is the answer.
enum ConditionalRequest {
    static func isNotModified(_ request: Request, etag: String, lastModified: Date) -> Bool {
        if let match = request.headers[.ifNoneMatch] {
            return match.split(separator: ",").contains { tag in
                let trimmed = tag.trimmingCharacters(in: .whitespaces)
                return trimmed == "*" || trimmed == etag || trimmed == "W/" + etag
            }
        }
        if let since = request.headers[.ifModifiedSince].flatMap(HTTPDate.parse) {
            return lastModified.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970
        }
        return false
    }
}
