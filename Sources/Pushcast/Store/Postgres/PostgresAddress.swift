import Foundation
import PostgresNIO

/// Where a PostgreSQL store lives, read from a `postgres://user:password@host:port/database`
/// URL (`--db`); a URL it cannot use is refused in a sentence saying what to write instead.
public struct PostgresAddress: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    /// Whether `text` names a PostgreSQL database rather than an SQLite file: it starts
    /// with `postgres:` or `postgresql:` (a mistyped URL is refused, never taken for a file).
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres:") || text.hasPrefix("postgresql:")
    }

    /// Reads a `postgres://` (or `postgresql://`) URL; the port defaults to 5432 and the user to `postgres`.
    public init(url text: String) throws(Invalid) {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let url = URLComponents(string: text) else {
            throw Invalid("\(text) is not a PostgreSQL URL; write it as postgres://user@host:5432/database.")
        }
        guard let host = url.host, !host.isEmpty else {
            throw Invalid("\(text) names no host; write it as postgres://user@host:5432/database.")
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw Invalid("\(text) names no database; end it with the database's name, as in postgres://user@\(host)/pushcast.")
        }
        self.host = host
        port = url.port ?? 5432
        user = url.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = url.password.flatMap { $0.removingPercentEncoding }
        self.database = database
    }

    /// What `PostgresClient` connects with: plain TCP (a database on another machine is
    /// reached over a private network or a tunnel).
    var configuration: PostgresClient.Configuration {
        PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
    }

    /// A URL that could not be used, with what to write instead.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
