import Hummingbird
import NIOCore

/// The request context: Hummingbird's, plus the connection, so that a stream whose reader
/// stalled can be cut off by closing it (a write blocked on it then fails).
public struct PushcastRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
