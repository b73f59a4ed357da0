import HTTPTypes

/// Who answers a connection's requests, as a state machine: Hummingbird (or, on a
/// connection opened by a stream request, nobody yet) until a request for a push stream
/// comes; then the stream path, for good, once every request before it has been answered
/// (a client may pipeline). Inputs are the request parts read and the ends of the
/// responses written; each returns what to do with the part (`StreamRequestHandler` does it).
struct RequestHandoff {
    enum State: Equatable {
        /// Requests go on to Hummingbird; `inFlight` of them are not yet answered.
        case forwarding(inFlight: Int)
        /// A stream request waits for the answers to the requests before it.
        case waiting(HTTPRequest, inFlight: Int)
        /// The stream request is being admitted.
        case admitting
        /// The stream path has the connection.
        case handedOff
    }

    enum Action: Equatable {
        /// Pass the part on to Hummingbird.
        case forward
        /// Drop it: the connection is the stream path's.
        case drop
        /// Admit this stream request now.
        case admit(HTTPRequest)
    }

    private(set) var state = State.forwarding(inFlight: 0)

    /// A request's head; `isStream` when the stream path answers it.
    mutating func head(_ head: HTTPRequest, isStream: Bool) -> Action {
        guard case .forwarding(let inFlight) = state else { return .drop }
        guard isStream else {
            state = .forwarding(inFlight: inFlight + 1)
            return .forward
        }
        guard inFlight == 0 else {
            state = .waiting(head, inFlight: inFlight)
            return .drop
        }
        state = .admitting
        return .admit(head)
    }

    /// A request's body or end: it belongs to the request before it.
    mutating func bodyPart() -> Action {
        guard case .forwarding = state else { return .drop }
        return .forward
    }

    /// Hummingbird has written a response's end; a stream request waiting for it may go.
    mutating func responseEnded() -> Action? {
        switch state {
        case .forwarding(let inFlight):
            state = .forwarding(inFlight: max(inFlight - 1, 0))
            return nil
        case .waiting(let head, let inFlight) where inFlight <= 1:
            state = .admitting
            return .admit(head)
        case .waiting(let head, let inFlight):
            state = .waiting(head, inFlight: inFlight - 1)
            return nil
        case .admitting, .handedOff:
            return nil
        }
    }

    /// Admission has decided: the stream path writes the answer.
    mutating func admitted() {
        state = .handedOff
    }
}
