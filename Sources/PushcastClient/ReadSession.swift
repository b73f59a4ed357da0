import Foundation

/// `pushcast read`: the reader's subscriber stream (or the named channels' streams), with
/// reconnection by itself (jittered exponential backoff) and resumption without losing or
/// repeating an item: the server resumes after the stored cursors (or `since`), and
/// `(channel, seq)` already shown are dropped. With `once`, the server sends what is there
/// and ends the stream; the session ends with it. Given several nodes of one cluster, it
/// moves to the next when one is down, and waits only once every one has failed.
public struct ReadSession: Sendable {
    public enum Source: Sendable {
        case subscriber(IdentityFile.Identity)
        case channels([String], since: Int64?)
    }

    let apis: [PushcastAPI]
    let source: Source
    let once: Bool

    public init(apis: [PushcastAPI], source: Source, once: Bool) {
        precondition(!apis.isEmpty, "a read session needs a server")
        self.apis = apis
        self.source = source
        self.once = once
    }

    /// Runs until cancelled (or, with `once`, until what is pending has been shown).
    /// `show` gets each new item and notice; `status` gets connection news for stderr, said
    /// once when the server is lost and once when it is back.
    public func run(show: @escaping @Sendable (MultipartParser.Part) -> Void, status: @escaping @Sendable (String) -> Void)
        async throws
    {
        switch source {
        case .subscriber(let identity):
            try await follow(path: "/subscribers/\(identity.id)/stream", token: identity.token, channel: nil, since: nil, show, status)
        case .channels(let channels, let since):
            try await withThrowingTaskGroup(of: Void.self) { group in
                for channel in channels {
                    group.addTask {
                        try await follow(path: "/channels/\(channel)/stream", token: nil, channel: channel, since: since, show, status)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    private func follow(
        path: String, token: String?, channel: String?, since: Int64?,
        _ show: @escaping @Sendable (MultipartParser.Part) -> Void, _ status: @escaping @Sendable (String) -> Void
    ) async throws {
        var seen: [String: Int64] = [:]
        if let channel, let since { seen[channel] = since }
        var failures = 0
        var lost = false
        var current = 0
        let which = channel.map { " (\($0))" } ?? ""
        while !Task.isCancelled {
            let api = apis[current % apis.count]
            var query: [String] = []
            if once { query.append("once=1") }
            if let channel, let last = seen[channel] { query.append("since=\(last)") }
            let url = path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
            do {
                for try await event in api.stream(url, token: token) {
                    guard case .part(let part) = event else {
                        if lost { status("reconnected to \(api.server)\(which)") }
                        (failures, lost) = (0, false)
                        continue
                    }
                    switch part.event {
                    case "item":
                        guard let partChannel = part.channel, let seq = part.seq else { continue }
                        if let last = seen[partChannel], seq <= last { continue }  // already shown
                        seen[partChannel] = seq
                        show(part)
                    case "snapshot":
                        let snapshot = ItemFormatter.object(part)
                        if let partChannel = part.channel, let lastSeq = snapshot["lastSeq"] as? Int {
                            seen[partChannel] = max(seen[partChannel] ?? 0, Int64(lastSeq))
                        }
                    case "gap", "retired":
                        show(part)
                        if part.event == "retired", channel != nil { return }
                    default:
                        break
                    }
                }
                if once { return }
                status("the server at \(api.server) ended the stream\(which); reconnecting")
                lost = true
            } catch let error as ClientError {
                if case .server(let code, _, _) = error, code == 401 || code == 404 { throw error }
                failures += 1
                lost = true
                current += 1
                if failures < apis.count {
                    // Another node of the cluster, at once.
                    status("\(error.brief)\(which); trying \(apis[current % apis.count].server)")
                    continue
                }
                if once { throw error }
                if failures == apis.count {
                    status("\(error.brief)\(which); reconnecting in \(Self.ceiling(failures: 1).formatted()) s, and on until it is back")
                }
            }
            let rounds = max(1, failures / apis.count)
            try await Task.sleep(for: .milliseconds(Int64(Self.backoff(failures: rounds) * 1000)))
        }
    }

    /// The longest wait after `failures` failures in a row: 0.5 s doubling to 30 s.
    static func ceiling(failures: Int) -> Double {
        min(0.5 * pow(2, Double(min(failures - 1, 10))), 30)
    }

    /// Each wait drawn between half and all of its ceiling.
    static func backoff(failures: Int) -> Double {
        let ceiling = ceiling(failures: failures)
        return Double.random(in: (ceiling / 2)...ceiling)
    }
}
