import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Fetches remote item content with a conditional GET (ETag / If-Modified-Since), a
/// timeout and a size limit; at most a few fetches per origin and in all; a failing origin
/// is left alone for a while (`OriginBackoff`) and never holds up another.
public final class RemoteFetcher: Sendable {
    public enum Outcome: Sendable, Hashable {
        case modified(ObservedContent)
        case notModified(ContentValidators)
        case failed(String)
        /// The origin is backing off after failures.
        case deferred(until: Date)
    }

    private let client: HTTPClient
    private let limits: ContentLimits
    private let logger: Logger
    private let gate: OriginGate

    public init(limits: ContentLimits, logger: Logger) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(
            connect: .milliseconds(Int64(limits.fetchTimeout * 1000)),
            read: .milliseconds(Int64(limits.fetchTimeout * 1000)))
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.limits = limits
        self.logger = logger
        gate = OriginGate(limits: limits)
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    public func fetch(_ url: String, validators: ContentValidators) async -> Outcome {
        let origin = RemoteFetcher.origin(of: url)
        if let until = await gate.deferral(origin) { return .deferred(until: until) }
        return await gate.run(origin) { [self] in
            let outcome = await self.request(url, validators: validators)
            await self.gate.record(origin, failed: { if case .failed = outcome { true } else { false } }())
            if case .failed(let reason) = outcome {
                self.logger.warning("fetch failed", metadata: ["url": "\(url)", "reason": "\(reason)"])
            }
            return outcome
        }
    }

    private func request(_ url: String, validators: ContentValidators) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "Pushcast")
        if let etag = validators.etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModified = validators.lastModified {
            request.headers.add(name: "If-Modified-Since", value: lastModified)
        }
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(limits.fetchTimeout * 1000)))
            let received = ContentValidators(
                etag: response.headers.first(name: "ETag"), lastModified: response.headers.first(name: "Last-Modified"))
            switch response.status.code {
            case 304:
                return .notModified(ContentValidators(
                    etag: received.etag ?? validators.etag, lastModified: received.lastModified ?? validators.lastModified))
            case 200..<300:
                let body = try await response.body.collect(upTo: limits.fetchBytes)
                let bytes = Data(body.readableBytesView)
                return .modified(
                    ObservedContent(
                        hash: SHA256.hash(data: bytes).hexString, type: response.headers.first(name: "Content-Type"),
                        size: bytes.count, bytes: bytes.count <= limits.storedBytes ? bytes : nil,
                        validators: received))
            default:
                return .failed("HTTP \(response.status.code)")
            }
        } catch {
            return .failed(ConnectionTrouble.describe(error))
        }
    }

    /// `scheme://host:port` of a URL, the unit of backoff and of the per-origin limit.
    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        return "\(components.scheme ?? "")://\(components.host ?? ""):\(components.port ?? (components.scheme == "https" ? 443 : 80))"
    }
}

/// Per-origin and overall fetch limits, and the backoff table.
private actor OriginGate {
    private var backoff = OriginBackoff()
    private var perOrigin: [String: AsyncLimiter] = [:]
    private let overall: AsyncLimiter
    private let limits: ContentLimits

    init(limits: ContentLimits) {
        self.limits = limits
        overall = AsyncLimiter(limit: limits.fetchesInAll)
    }

    func deferral(_ origin: String) -> Date? {
        backoff.mayAsk(origin, at: Date()) ? nil : backoff.retryAt(origin)
    }

    func record(_ origin: String, failed: Bool) {
        if failed { backoff.failed(origin, at: Date()) } else { backoff.succeeded(origin) }
    }

    func run<T: Sendable>(_ origin: String, _ work: @escaping @Sendable () async -> T) async -> T {
        let limiter = perOrigin[origin] ?? AsyncLimiter(limit: limits.fetchesPerOrigin)
        perOrigin[origin] = limiter
        let overall = self.overall
        return await limiter.run { await overall.run(work) }
    }
}
