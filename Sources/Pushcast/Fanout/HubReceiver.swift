/// Whoever takes a channel's events from the hub: in `PushcastHTTP`, one per event loop
/// for all the streams on it, and one per long poll. The hub calls it on the publisher's
/// thread, without holding a lock; it must hand the events on and return, never wait.
public protocol HubReceiver: AnyObject, Sendable {
    /// Events of one channel in order (or `shutdown` alone).
    func receive(_ events: [HubEvent])
}
