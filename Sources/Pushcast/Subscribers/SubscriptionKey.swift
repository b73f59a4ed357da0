/// One subscriber's subscription to one channel: what a delivery cursor belongs to.
public struct SubscriptionKey: Hashable, Sendable {
    public let subscriber: String
    public let channel: String

    public init(subscriber: String, channel: String) {
        self.subscriber = subscriber
        self.channel = channel
    }
}
