import Hummingbird
import Synchronization

/// Who may create a subscriber (`POST /subscribers`): anyone (`open`), whoever holds the
/// operator's registration token (`token`), or nobody (`closed`); and how often one
/// client address may (`RegistrationLimit`). Said in the error before anything is stored.
final class RegistrationPolicy: Sendable {
    let mode: RegistrationMode
    private let limit: Mutex<RegistrationLimit>
    private let start = ContinuousClock.now

    init(mode: RegistrationMode, perMinute: Int) {
        self.mode = mode
        limit = Mutex(RegistrationLimit(perMinute: perMinute))
    }

    /// Throws the error to answer with when `request`, from `address`, may not register now.
    func admit(_ request: Request, from address: String) throws {
        switch mode {
        case .open:
            break
        case .closed:
            throw APIError(
                .forbidden, "registration-closed",
                "this server takes no new subscribers; ask its operator, or read its channels without subscribing (pushcast read ID)")
        case .token(let expected):
            guard let token = BearerToken.from(request), BearerToken.matches(token, expected) else {
                throw APIError(
                    .unauthorized, "registration-token",
                    "this server registers subscribers with its operator's token: 'Authorization: Bearer …' (pushcast: --registration-token or PUSHCAST_REGISTRATION_TOKEN)")
            }
        }
        let elapsed = ContinuousClock.now - start
        let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if case .refused(let seconds) = limit.withLock({ $0.admit(address, now: now) }) {
            throw APIError(
                .tooManyRequests, "too-many-registrations",
                "too many new subscribers from this address; try again in \(seconds) s (one identity is enough for a reader: it is kept in identity.json)",
                headers: [.retryAfter: "\(seconds)"])
        }
    }
}

/// `--registration`: who may create subscribers.
public enum RegistrationMode: Sendable, Equatable {
    case open
    /// Whoever sends this token as `Authorization: Bearer …`.
    case token(String)
    case closed
}
