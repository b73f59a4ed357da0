import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// A node's ear on the shared database (docs/CLUSTER.md): one connection of its own (not
/// pooled, never in a transaction, with TCP keepalives) that LISTENs for what any node commits,
/// and that reads every channel's mark once a second, so that a lost notification, a killed
/// connection or a database restart costs latency, never an item. A notification is a hint
/// only: what it names is read from the tables. When the connection fails it is made anew,
/// LISTEN first, then the marks are read.
final class PostgresListener: Sendable {
    /// What the listener hears.
    enum Signal: Sendable {
        /// A channel's log reaches `seq` (a notification).
        case logged(channel: String, seq: Int64)
        /// A channel's row changed: its manifest, status or diagnostics (a notification).
        case changed(channel: String)
        /// Every channel's mark, read once a second.
        case marks([ChannelMark])
        /// The connection was made (again); marks follow at once.
        case connected
        /// The connection failed; it is made again in a second.
        case lost(any Error)
    }

    /// What notifications are sent on (`PostgresStore` sends them in its transactions, so
    /// they leave at commit).
    static let logChannel = "pushcast_log"
    static let channelChannel = "pushcast_channel"
    /// How often every channel's mark is read; how long a read may take before the
    /// connection is taken for dead.
    static let pollEvery = Duration.seconds(1)
    static let answerWithin = Duration.seconds(3)

    private let address: PostgresAddress
    private let quiet = Logger(label: "pushcast.postgres.listener", factory: { _ in SwiftLogNoOpLogHandler() })

    init(address: PostgresAddress) {
        self.address = address
    }

    /// Listens until the task is cancelled, telling `hear` everything in order.
    func run(_ hear: @escaping @Sendable (Signal) async -> Void) async {
        while !Task.isCancelled {
            do {
                try await listenOnce(hear)
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                await hear(.lost(error))
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// One connection's life: LISTEN on both, then read the marks every second until
    /// something fails.
    private func listenOnce(_ hear: @escaping @Sendable (Signal) async -> Void) async throws {
        let connection = try await connect()
        do {
            try await listen(on: connection, hear)
        } catch {
            // Closed before it goes, whatever ended it (a connection the database cut is closed already).
            try? await connection.close()
            throw error
        }
    }

    private func listen(on connection: PostgresConnection, _ hear: @escaping @Sendable (Signal) async -> Void) async throws {
        try await connection.listen(on: Self.logChannel) { logs in
            try await connection.listen(on: Self.channelChannel) { changes in
                await hear(.connected)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await notification in logs {
                            if let (channel, seq) = Self.logPayload(notification.payload) {
                                await hear(.logged(channel: channel, seq: seq))
                            }
                        }
                        throw ListenerEnded()
                    }
                    group.addTask {
                        for try await notification in changes { await hear(.changed(channel: notification.payload)) }
                        throw ListenerEnded()
                    }
                    group.addTask {
                        while true {
                            await hear(.marks(try await self.marks(on: connection)))
                            try await Task.sleep(for: Self.pollEvery)
                        }
                    }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            }
        }
    }

    /// Every channel's mark, with a deadline: a connection that does not answer is dead.
    private func marks(on connection: PostgresConnection) async throws -> [ChannelMark] {
        try await withThrowingTaskGroup(of: [ChannelMark]?.self) { group in
            group.addTask { [quiet] in
                var marks: [ChannelMark] = []
                for try await (id, lastSeq, updatedAt) in try await connection.query(
                    #"SELECT id, "lastSeq", "updatedAt" FROM channel"#, logger: quiet
                ).decode((String, Int64, Double).self) {
                    marks.append(ChannelMark(id: id, lastSeq: lastSeq, updatedAt: updatedAt))
                }
                return marks
            }
            group.addTask {
                try await Task.sleep(for: Self.answerWithin)
                return nil
            }
            defer { group.cancelAll() }
            guard let marks = try await group.next() ?? nil else { throw ListenerEnded() }
            return marks
        }
    }

    /// A connection of its own, with TCP keepalives: a database host that vanishes without a
    /// word is noticed in seconds even between reads.
    private func connect() async throws -> PostgresConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(3))
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .channelOption(ChannelOptions.tcpOption(.init(rawValue: TCP_KEEPIDLE)), value: 5)
            .channelOption(ChannelOptions.tcpOption(.init(rawValue: TCP_KEEPINTVL)), value: 2)
            .channelOption(ChannelOptions.tcpOption(.init(rawValue: TCP_KEEPCNT)), value: 3)
            .connect(host: address.host, port: address.port).get()
        let configuration = PostgresConnection.Configuration(
            establishedChannel: channel, username: address.user, password: address.password, database: address.database)
        return try await PostgresConnection.connect(on: channel.eventLoop, configuration: configuration, id: 0, logger: quiet)
    }

    /// `channel:seq` (split at the last colon).
    static func logPayload(_ payload: String) -> (String, Int64)? {
        guard let colon = payload.lastIndex(of: ":"), let seq = Int64(payload[payload.index(after: colon)...]) else {
            return nil
        }
        return (String(payload[..<colon]), seq)
    }

    /// The connection stopped answering, or its notifications ended.
    struct ListenerEnded: Error, CustomStringConvertible {
        var description: String { "the database stopped answering on the listening connection" }
    }
}

/// How far a channel's log reaches, and when its row last changed.
struct ChannelMark: Sendable, Equatable {
    var id: String
    var lastSeq: Int64
    var updatedAt: Double
}
