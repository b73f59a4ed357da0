import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Why an HTTP request to another machine failed, in words a person acts on — for the
/// engine's fetches and the client commands alike (never an error type, errno or dump).
public enum ConnectionTrouble {
    public static func describe(_ error: any Error) -> String {
        recognise(error) ?? "the request failed"
    }

    /// The words for a network error, or nil when `error` is not one.
    static func recognise(_ error: any Error) -> String? {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "it did not accept a connection in time"
            case .readTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout: return "it did not answer in time"
            case .remoteConnectionClosed: return "it closed the connection before answering"
            case .invalidURL, .emptyHost, .emptyScheme: return "the address is not a valid http:// or https:// URL"
            case .redirectLimitReached, .redirectCycleDetected: return "it redirects too many times"
            case .tlsHandshakeTimeout: return "its TLS handshake did not finish in time"
            default: return "the request failed"
            }
        }
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return "its host name cannot be resolved"
            }
            if let first = error.connectionErrors.first { return recognise(first.error) }
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "nothing is listening there"
            case ECONNRESET, EPIPE: return "the connection was cut"
            case ENETUNREACH, EHOSTUNREACH: return "the network cannot reach it"
            case ETIMEDOUT: return "it did not answer in time"
            default: return "the connection failed"
            }
        }
        if error is SocketAddressError { return "its host name cannot be resolved" }
        if error is ChannelError { return "the connection failed" }
        return nil
    }
}
