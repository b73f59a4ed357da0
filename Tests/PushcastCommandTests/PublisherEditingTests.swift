import Foundation
import Testing

/// What a publisher sees while editing a channel, end to end on the real server (issue 13):
/// an item written before its file is pushed once, a dead origin holds up nothing local,
/// warnings are said by name, and only what changed is announced.
@Suite("pushcast serve: a publisher editing")
struct PublisherEditingTests {
    func seqs(_ server: ServerProcess, _ id: String) async throws -> [Int] {
        try await server.items(id).compactMap { $0["seq"] as? Int }
    }

    func diagnosticCodes(_ server: ServerProcess, _ id: String) async throws -> [String] {
        let diagnostics = try await server.channel(id)?["diagnostics"] as? [[String: Any]] ?? []
        return diagnostics.compactMap { $0["code"] as? String }
    }

    @Test func anItemWrittenBeforeItsFileIsPushedOnceWhenTheFileComes() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        try server.write("<p>a</p>", to: "club/a.html")
        try server.write(
            EngineEndToEndTests.manifest([("club/a.html", "2026-11-24T10:00"), ("club/b.html", "2026-11-24T10:05")]),
            to: "club.cdf")
        try await server.waitUntil("a logged, b waiting for its file") {
            let (seqs, codes) = (try await self.seqs(server, "club"), try await self.diagnosticCodes(server, "club"))
            return seqs == [1] && codes == ["missing-file"]
        }
        try server.write("<p>b</p>", to: "club/b.html")
        try await server.waitUntil("b logged and its warning gone") {
            let (seqs, codes) = (try await self.seqs(server, "club"), try await self.diagnosticCodes(server, "club"))
            return seqs == [1, 2] && codes.isEmpty
        }
        let b = try #require(try await server.items("club").last)
        #expect(b["event"] as? String == "new" && b["id"] as? String == "club/b.html")
        #expect(String(decoding: try await server.request("/channels/club/items/2/content").body, as: UTF8.self) == "<p>b</p>")
        // Nothing more comes of it: no `updated` twin.
        let before = try #require(try await server.channel("club")?["lastCheck"] as? String)
        server.touch("club/b.html")
        try await server.waitUntil("the touch checked") { try await server.channel("club")?["lastCheck"] as? String != before }
        #expect(try await self.seqs(server, "club") == [1, 2])
    }

    @Test func aDeadOriginHoldsUpNoLocalItemOfItsChannel() async throws {
        let origin = try await OriginServer()
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder(), arguments: ["--fetch-timeout", "60"])
        try server.write("<p>here</p>", to: "mixed/here.html")
        try server.write(
            """
            <?xml version="1.0"?>
            <CHANNEL><TITLE>Mixed</TITLE>
              <ITEM HREF="\(origin.baseURL)/hang"><TITLE>Far</TITLE></ITEM>
              <ITEM HREF="mixed/here.html"><TITLE>Here</TITLE></ITEM>
            </CHANNEL>
            """, to: "mixed.cdf")
        // The remote fetch hangs for a minute; the local item is logged at once all the same.
        try await server.waitUntil("the local item logged while the origin hangs", seconds: 5) {
            try await self.seqs(server, "mixed") == [1]
        }
        #expect(try await server.items("mixed").first?["id"] as? String == "mixed/here.html")
        try await server.waitUntil("the remote fetch under way") { origin.state.withLock { $0.hanging } == 1 }
        #expect(try await self.seqs(server, "mixed") == [1])
    }

    @Test func aFreshChannelLogsItsNewestItemLast() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        for name in ["now", "earlier", "oldest"] { try server.write("<p>\(name)</p>", to: "w/\(name).html") }
        // Newest first, as the sample channels and most publishers write them.
        try server.write(
            EngineEndToEndTests.manifest([
                ("w/now.html", "2026-11-24T11:00"), ("w/earlier.html", "2026-11-24T10:30"), ("w/oldest.html", "2026-11-24T09:55"),
            ]), to: "w.cdf")
        try await server.waitUntil("all logged") { try await self.seqs(server, "w").count == 3 }
        #expect(try await server.items("w").map { $0["id"] as? String } == ["w/oldest.html", "w/earlier.html", "w/now.html"])
    }

    @Test func warningsAreNamedAndOnlyWhatChangedIsAnnounced() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        try server.write("<p>a</p>", to: "a/a.html")
        try server.write(EngineEndToEndTests.manifest([("a/a.html", "2026-11-24T10:00")]), to: "a.cdf")
        try await server.waitUntil("a logged") { try await self.seqs(server, "a") == [1] }
        // A new channel in a folder of its own (a whole folder appearing makes the watcher look at everything).
        try server.write("<p>b</p>", to: "b/b.html")
        try server.write(
            EngineEndToEndTests.manifest([("b/b.html", "2026-11-24T10:00"), ("b/gone.html", "2026-11-24T10:00")]), to: "b.cdf")
        try await server.waitUntil("b logged") { try await self.seqs(server, "b").first == 1 }
        let loaded = server.log.split(separator: "\n").filter { $0.contains("channel loaded") }
        #expect(loaded.filter { $0.contains("channel=a ") || $0.hasSuffix("channel=a") }.count == 1, "\(loaded)")
        let b = try #require(loaded.first { $0.contains("channel=b") })
        #expect(b.contains("missing-file") && b.contains("b/gone.html"), "\(b)")
    }

    @Test func aManifestThatNeverLoadedIsForgottenWhenRemoved() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        try server.write("<CHANNEL><TITLE>x</TITLE></CHANNEL>", to: "Not An Id!.cdf")
        try server.write("<RSS version=\"2.0\"><channel/></RSS>", to: "broken.cdf")
        try await server.waitUntil("both listed with their errors") {
            let statuses = try await server.json("/channels")["channels"] as? [[String: Any]] ?? []
            return statuses.compactMap { $0["status"] as? String } == ["error", "error"]
        }
        try server.remove("Not An Id!.cdf")
        try server.remove("broken.cdf")
        try await server.waitUntil("both gone, not retired") {
            (try await server.json("/channels")["channels"] as? [[String: Any]] ?? []).isEmpty
        }
    }

    @Test func aTypoReadInLegacyModeIsSaidEverywhereNotJustOk() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        try server.write("<p>a</p>", to: "t/a.html")
        try server.write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>Typo</TITEL>\n<ITEM HREF=\"t/a.html\"><TITLE>A</TITLE></ITEM></CHANNEL>",
            to: "typo.cdf")
        try await server.waitUntil("loaded") { try await self.seqs(server, "typo") == [1] }
        let listed = try #require(try await server.channel("typo"))
        #expect(listed["status"] as? String == "ok" && listed["warnings"] as? Int == 1)
        #expect(try await self.diagnosticCodes(server, "typo") == ["legacy-syntax"])
        let table = try await ReaderCommandTests.run(["channels"], server: server.baseURL, config: ReaderCommandTests.configFolder())
        #expect(table.standardOutput.contains("ok, 1 warning") && table.standardOutput.contains("[legacy-syntax]"))
        #expect(server.log.contains("legacy-syntax"))
    }
}
