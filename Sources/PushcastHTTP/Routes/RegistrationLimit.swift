/// How many subscribers one client address may create (`--registration-rate N` per
/// minute): a token bucket per address that holds N and refills N a minute, so a reader
/// registering once never notices it and a script filling the disk is refused. Pure
/// state, unit-tested without sockets; the table forgets addresses whose bucket is full again.
struct RegistrationLimit: Sendable {
    enum Decision: Equatable {
        case allowed
        /// Refused; the whole seconds until one more is allowed (`Retry-After`).
        case refused(retryAfter: Int)
    }

    /// Per minute per address; 0 is no limit.
    let perMinute: Int
    /// The most addresses remembered at once; past it, the full buckets are forgotten.
    let remembered: Int
    private var buckets: [String: (tokens: Double, at: Double)] = [:]

    init(perMinute: Int, remembered: Int = 10_000) {
        self.perMinute = perMinute
        self.remembered = remembered
    }

    /// One registration from `address` at `now` (seconds on any steady clock).
    mutating func admit(_ address: String, now: Double) -> Decision {
        guard perMinute > 0 else { return .allowed }
        let capacity = Double(perMinute)
        let perSecond = capacity / 60
        let known = buckets[address] ?? (tokens: capacity, at: now)
        let tokens = min(capacity, known.tokens + max(0, now - known.at) * perSecond)
        guard tokens >= 1 else {
            buckets[address] = (tokens, now)
            return .refused(retryAfter: Int(((1 - tokens) / perSecond).rounded(.up)))
        }
        buckets[address] = (tokens - 1, now)
        if buckets.count > remembered { forgetFull(now: now, capacity: capacity, perSecond: perSecond) }
        return .allowed
    }

    private mutating func forgetFull(now: Double, capacity: Double, perSecond: Double) {
        buckets = buckets.filter { $0.value.tokens + (now - $0.value.at) * perSecond < capacity }
    }
}
