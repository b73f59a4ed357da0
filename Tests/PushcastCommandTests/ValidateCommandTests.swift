import Foundation
import Testing

/// `pushcast validate`, run as the real executable (SPEC §1.5).
@Suite("pushcast validate")
struct ValidateCommandTests {
    /// The repository's own top folder.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func sampleManifests() throws -> [String] {
        let folder = repository.appendingPathComponent("channels")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".cdf") }.sorted()
            .map { "channels/" + $0 }
    }

    @Test func theSampleChannelsAreCleanStrictManifests() async throws {
        let files = try Self.sampleManifests()
        try #require(files.count >= 3)
        let outcome = try await ProcessRunner.run(
            ProcessRunner.pushcast, ["validate", "--json"] + files, in: Self.repository.path)
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
        let reports = try #require(
            try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]])
        #expect(reports.count == files.count)
        for report in reports {
            #expect(report["ok"] as? Bool == true)
            #expect(report["mode"] as? String == "strict")
            #expect((report["diagnostics"] as? [Any])?.isEmpty == true, "\(report["file"] ?? "?"): \(report["diagnostics"] ?? "")")
            let items = (report["channel"] as? [String: Any])?["items"] as? [[String: Any]] ?? []
            #expect(items.count >= 3)
            #expect(items.allSatisfy { $0["local"] as? Bool == true && $0["title"] is String && $0["lastmod"] is String })
        }
        let usages = reports.flatMap { (($0["channel"] as? [String: Any])?["items"] as? [[String: Any]]) ?? [] }
            .compactMap { $0["usage"] as? String }
        #expect(usages.contains("ScreenSaver"))
        let schedules = reports.compactMap { ($0["channel"] as? [String: Any])?["schedule"] as? [String: Any] }
        #expect(!schedules.isEmpty)
        let sections = reports.compactMap { ($0["channel"] as? [String: Any])?["sections"] as? [Any] }
        #expect(sections.contains { !$0.isEmpty })
    }

    /// libxml2 reports some encoding errors on stderr by itself; they must reach the user
    /// only as diagnostics, in the one format.
    @Test func libxml2WritesNothingOfItsOwn() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("encodings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let undefined = Array("<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<CHANNEL><TITLE>caf".utf8) + [0xE9, 0x81, 0x8D]
            + Array("</TITLE></CHANNEL>".utf8)
        let unsupported = Array("<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>\n<CHANNEL><TITLE>".utf8) + [0x1B, 0x24, 0x42, 0xFF, 0xFF]
            + Array("</TITLE></CHANNEL>".utf8)
        try Data(undefined).write(to: folder.appendingPathComponent("undefined.cdf"))
        try Data(unsupported).write(to: folder.appendingPathComponent("unsupported.cdf"))
        let outcome = try await ProcessRunner.run(ProcessRunner.pushcast, ["validate", "undefined.cdf", "unsupported.cdf"], in: folder.path)
        let lines = (outcome.standardOutput + outcome.standardError).split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.hasPrefix("undefined.cdf") || line.hasPrefix("unsupported.cdf"), "a line not ours: \(line)")
        }
    }

    @Test func humanFormAndExitStatuses() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("<?xml version=\"1.0\"?>\n<CHANNEL>\n  <ITEM HREF=\"a.html\" LASTMOD=\"soon\"/>\n</CHANNEL>\n".utf8)
            .write(to: folder.appendingPathComponent("good.cdf"))
        try Data("<html>\n<body/></html>".utf8).write(to: folder.appendingPathComponent("bad.cdf"))

        let good = try await ProcessRunner.pushcast("validate", "good.cdf", in: folder.path)
        #expect(good.status == 0)
        let lines = good.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains("good.cdf:3:3: warning: LASTMOD 'soon' is not yyyy-mm-ddThh:mm, RFC 3339 or yyyy-mm-dd; it is ignored [bad-lastmod]"))
        #expect(lines.contains("good.cdf:3:3: warning: 'a.html' is not a file in the channels folder [missing-file]"))
        #expect(lines.last == "good.cdf: ok (strict, 1 item, 2 warnings)")

        let mixed = try await ProcessRunner.pushcast("validate", "good.cdf", "bad.cdf", in: folder.path)
        #expect(mixed.status == 1)
        #expect(mixed.standardOutput.contains("bad.cdf:1:1: error: the root element is html, not CHANNEL [not-a-channel]"))

        let json = try await ProcessRunner.pushcast("validate", "--json", "bad.cdf", in: folder.path)
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["ok"] as? Bool == false && object["id"] as? String == "bad")

        let missing = try await ProcessRunner.pushcast("validate", "nothere.cdf", in: folder.path)
        #expect(missing.status == 1 && missing.standardOutput.contains("[unreadable]"))

        for usage in [["validate"], ["validate", "--bogus", "good.cdf"], ["frobnicate"]] {
            let outcome = try await ProcessRunner.run(ProcessRunner.pushcast, usage, in: folder.path)
            #expect(outcome.status == 2, "\(usage): \(outcome.status) \(outcome.standardError)")
            #expect(!outcome.standardError.isEmpty)
        }
        #expect(try await ProcessRunner.pushcast("validate", "--help").status == 0)
    }

    /// Hostile manifests: refused, within bounded time and memory, by the real process.
    @Test func hostileManifestsNeitherHangNorBloat() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE CHANNEL [\n <!ENTITY l0 \"lol\">\n"
        for level in 1...9 { laughs += " <!ENTITY l\(level) \"\(String(repeating: "&l\(level - 1);", count: 10))\">\n" }
        laughs += "]>\n<CHANNEL><TITLE>&l9;</TITLE></CHANNEL>\n"
        let almostMiB = 1 << 20 - 64
        let files: [(String, [UInt8], String)] = [
            ("xxe.cdf", Array("<!DOCTYPE CHANNEL [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><CHANNEL><TITLE>&x;</TITLE></CHANNEL>".utf8), "entity-declared"),
            ("laughs.cdf", Array(laughs.utf8), "entity-declared"),
            ("quadratic.cdf", Array(("<!DOCTYPE CHANNEL [<!ENTITY a \"" + String(repeating: "x", count: 100_000) + "\">]><CHANNEL><TITLE>"
                + String(repeating: "&a;", count: 100_000) + "</TITLE></CHANNEL>").utf8), "entity-declared"),
            ("big.cdf", [UInt8](repeating: 0x20, count: 2 << 20), "too-large"),
            ("deep.cdf", Array((String(repeating: "<CHANNEL>", count: 10_000) + String(repeating: "</CHANNEL>", count: 10_000)).utf8), "too-deep"),
            ("utf8.cdf", Array("<CHANNEL><TITLE>".utf8) + [0xC3, 0x28, 0xFF] + Array("</TITLE></CHANNEL>".utf8), "bad-encoding"),
            ("garbage.cdf", (0..<65_536).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 11) }, "not-well-formed"),
            ("empty.cdf", [], "not-well-formed"),
            // Inputs that make the legacy repair work hardest, each just under the size limit.
            ("quotes.cdf", Array(("<?XML?><CHANNEL>\n" + String(repeating: "<ITEM HREF=\"x\n", count: almostMiB / 14)).utf8), "ok"),
            ("tags.cdf", Array(("<?XML?><CHANNEL>" + String(repeating: "<a>", count: 150) + String(repeating: "<b x=1 y z='<'/>", count: almostMiB / 20)).utf8), "ok"),
            ("comments.cdf", Array(("<?XML?><CHANNEL>" + String(repeating: "<!-- -- <![CDATA[ &&", count: almostMiB / 21)).utf8), "ok"),
            ("items.cdf", Array(("<CHANNEL>" + (0..<9_000).map { "<ITEM HREF=\"http://a.example/\($0)\"><TITLE>Item \($0)</TITLE></ITEM>" }.joined() + "</CHANNEL>").utf8), "ok"),
        ]
        let baseline = try await hostileRun(folder, "baseline.cdf", Array("<CHANNEL/>".utf8))
        for (name, bytes, expected) in files {
            let outcome = try await hostileRun(folder, name, bytes)
            #expect(!outcome.timedOut, "\(name) did not finish")
            if expected == "ok" {
                #expect(outcome.status == 0 || outcome.status == 1, "\(name): \(outcome.standardError)")
            } else {
                #expect(outcome.status == 1, "\(name): status \(outcome.status)")
                #expect(outcome.standardOutput.contains("[\(expected)]"), "\(name): \(outcome.standardOutput.prefix(300))")
            }
            let growthKiB = outcome.maxResidentKiB - baseline.maxResidentKiB
            #expect(growthKiB < 48 * 1024, "\(name) grew the process by \(growthKiB) KiB")
        }
    }

    private func hostileRun(_ folder: URL, _ name: String, _ bytes: [UInt8]) async throws -> ProcessOutcome {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
        return try await ProcessRunner.run(ProcessRunner.pushcast, ["validate", name], in: folder.path, timeout: 20)
    }
}
