import Foundation
import Testing

/// Who may create subscribers, end to end (issue 13): a rate per client address, loopback
/// included, with 429 and `Retry-After` past it; registration by token; registration closed.
@Suite("pushcast serve: registration")
struct RegistrationTests {
    static func register(_ server: ServerProcess, token: String? = nil) async throws -> ServerProcess.Reply {
        var headers = ["Content-Type": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return try await server.request("/subscribers", method: "POST", headers: headers, body: "{\"name\": \"someone\"}")
    }

    @Test func oneAddressGetsItsRateThenA429WithRetryAfter() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder(), arguments: ["--registration-rate", "3"])
        for _ in 0..<3 { #expect(try await Self.register(server).status == 201) }
        let refused = try await Self.register(server)
        // One more every 20 s: the wait is at most that (less when this machine is slow).
        #expect(refused.status == 429 && (1...20).contains(Int(refused.headers["retry-after"] ?? "") ?? 0))
        #expect(try refused.json()["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "too-many-registrations")
        // Nothing was stored for it.
        let count = try await ProcessRunner.run(
            "/usr/bin/env", ["sqlite3", server.database.path, "SELECT COUNT(*) FROM subscriber"], timeout: 10)
        #expect(count.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
        // The default is modest, and 0 is no limit.
        let defaulted = try await ServerProcess(folder: try ServerProcess.makeFolder())
        // Ten at once, then one every 6 s: refused by the eleventh, or a little later on a slow machine.
        let started = Date()
        var statuses: [Int] = []
        while !statuses.contains(429) && statuses.count < 30 { statuses.append(try await Self.register(defaulted).status) }
        let refilled = Int(Date().timeIntervalSince(started) / 6)
        #expect(statuses.prefix(10).allSatisfy { $0 == 201 } && statuses.count <= 11 + refilled, "\(statuses)")
        let unlimited = try await ServerProcess(folder: try ServerProcess.makeFolder(), arguments: ["--registration-rate", "0"])
        for _ in 0..<30 { #expect(try await Self.register(unlimited).status == 201) }
    }

    @Test func registrationByTokenOrClosed() async throws {
        let server = try await ServerProcess(
            folder: try ServerProcess.makeFolder(), arguments: ["--registration", "token", "--registration-token", "s3cret"])
        #expect(try await Self.register(server).status == 401)
        #expect(try await Self.register(server, token: "wrong").status == 401)
        #expect(try await Self.register(server, token: "s3cret").status == 201)
        // The client passes the token on.
        try server.write("<p>a</p>", to: "a.html")
        try server.write("<CHANNEL><ITEM HREF=\"a.html\"><TITLE>A</TITLE></ITEM></CHANNEL>", to: "news.cdf")
        try await server.waitUntil("news logged") { try await server.items("news").count == 1 }
        let config = ReaderCommandTests.configFolder()
        let without = try await ReaderCommandTests.run(["subscribe", "news"], server: server.baseURL, config: config)
        #expect(without.status == 1 && without.standardError.contains("--registration-token"))
        let with = try await ReaderCommandTests.run(
            ["subscribe", "news"], server: server.baseURL, config: config, environment: ["PUSHCAST_REGISTRATION_TOKEN": "s3cret"])
        #expect(with.status == 0 && with.standardOutput == "subscribed to news\n")

        let closed = try await ServerProcess(folder: try ServerProcess.makeFolder(), arguments: ["--registration", "closed"])
        let refused = try await Self.register(closed)
        #expect(refused.status == 403 && String(decoding: refused.body, as: UTF8.self).contains("takes no new subscribers"))
        let misused = try await ProcessRunner.pushcast("serve", "--registration", "token")
        #expect(misused.status == 2 && misused.standardError.contains("needs the token"))
    }
}
