import Hummingbird
import Pushcast

/// Who a request speaks for (SPEC §3, §4): the subscriber whose token it carries. A wrong or
/// missing token, or an unknown subscriber, is the same 401, which says nothing of whether
/// the subscriber exists, and costs the same work either way.
struct SubscriberAuthentication: Sendable {
    let store: any Store

    static let denied = APIError(
        .unauthorized, "bad-token", "this needs the subscriber's token: 'Authorization: Bearer …'",
        headers: [.wwwAuthenticate: "Bearer"])

    func subscriber(_ request: Request, sid: String) async throws -> SubscriberRecord {
        guard let token = BearerToken.from(request) else { throw Self.denied }
        guard SubscriberCredentials.isWellFormedID(sid), let subscriber = try await store.subscriber(sid),
            SubscriberCredentials.matches(token, hash: subscriber.tokenHash)
        else {
            // Spend the same work whether or not the subscriber exists.
            _ = SubscriberCredentials.matches(token, hash: String(repeating: "0", count: 64))
            throw Self.denied
        }
        return subscriber
    }
}
