import Foundation
import Testing

@testable import CDF

/// The real 1990s manifests (a copy of shared/corpus/cdf): every one loads, with the
/// items a person reading it would list (SPEC §1.3).
@Suite("Real CDF files from the 1990s")
struct CorpusTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var mode: ParseMode
        var items: [String]
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        Expectation(
            file: "parthjalihal_calculators_windows_98_win98_CONTENT_wired_wired.cdf", mode: .legacy,
            items: ["LiveWired", "Wired News", "HotWired", "Wired Magazine", "HotBot", "WIRED Screen Saver"]),
        Expectation(
            file: "parthjalihal_calculators_windows_98_win98_CONTENT_nbc_cdf_nbc.cdf", mode: .legacy,
            items: ["Must See TV", "NBC.Comedy", "Access Hollywood"]),
        Expectation(
            file: "parthjalihal_calculators_windows_98_win98_CONTENT_comics_castrip.cdf", mode: .legacy,
            items: ["Cathy Strip"]),
        Expectation(
            file: "parthjalihal_calculators_windows_98_win98_CONTENT_comics_dbsun.cdf", mode: .legacy,
            items: ["Pure HTML Desktop Component Example"]),
        Expectation(
            file: "aejanot_aejanot.github.io_channel.cdf", mode: .legacy,
            items: ["FlamingoLingo Desktop Item", "http://www.flaminglingo.com/somepage.html"]),
        Expectation(
            file: "unattributed_github-index-id4219398369_sample-color-channel.cdf", mode: .legacy,
            items: ["The Red Page", "The Green Page", "The Blue Page", "http://www.mysite.com/Channel/scrnsave.htm"]),
        Expectation(
            file: "unattributed_github-index-id3959955933_circle-control-software-update-channel.cdf", mode: .legacy,
            items: []),
        Expectation(
            file: "unattributed_github-index-id39114056240_honeycutt-nested-channel.cdf", mode: .legacy,
            items: [
                "intro.html", "books.html", "bio,html", "tips.html", "games.html", "tricks.html", "cdf.html",
            ].map { "http://www.honeycitt.com/" + $0 }),
    ]

    static func load(_ file: String, in folder: URL = corpusFolder) throws -> Manifest {
        let data = try Data(contentsOf: folder.appendingPathComponent(file))
        return ManifestParser.parse([UInt8](data), file: file)
    }

    @Test(arguments: expectations)
    func loadsWithTheItemsAPersonWouldList(expected: Expectation) throws {
        let manifest = try Self.load(expected.file)
        #expect(manifest.mode == expected.mode)
        let channel = try #require(manifest.channel)
        #expect(channel.items.map { $0.title ?? $0.href } == expected.items)
        // The only rejection any of them earns is the one long file name (see the README).
        #expect(manifest.rejections.map(\.code) == (ChannelID.id(forStem: ChannelID.stem(ofFile: expected.file)) == nil ? [.badChannelID] : []))
    }

    @Test func wired() throws {
        let channel = try #require(try Self.load(Self.expectations[0].file).channel)
        #expect(channel.title == "WIRED" && channel.usage == .channel)
        #expect(channel.schedule?.intervalSeconds == 86_400)
        #expect(channel.logos.map(\.style) == [.image, .icon])
        #expect(channel.items.map(\.level) == [2, 2, 1, 1, 1, 1])
        #expect(channel.items.last?.usage == .screenSaver)
    }

    @Test func nbc() throws {
        let manifest = try Self.load(Self.expectations[1].file)
        let channel = try #require(manifest.channel)
        #expect(channel.base == "http://www.nbc.com/ie4channel/")
        #expect(channel.schedule == nil)  // STARTDATE 1997.08.19T14:19-0800 is not a date
        #expect(manifest.codes.filter { $0 == .ignoredElement }.count == 4)  // the LOG elements
        #expect(manifest.codes.contains(.badSchedule))
        #expect(channel.items[2].abstract?.hasPrefix("Grab a backstage pass for your daily access to Hollywood. We've got") == true)
        #expect(channel.items.first?.logos.first?.style == .image)
    }

    @Test func desktopComponentsAndSchedules() throws {
        let castrip = try #require(try Self.load(Self.expectations[2].file).channel)
        #expect(castrip.items.first?.usage == .desktopComponent)
        let aejanot = try #require(try Self.load(Self.expectations[4].file).channel)
        #expect(aejanot.schedule == Schedule(intervalSeconds: 7 * 86_400, earliestSeconds: 12 * 3600, latestSeconds: 18 * 3600))
        let color = try #require(try Self.load(Self.expectations[5].file).channel)
        #expect(color.schedule == Schedule(start: CalendarDate(parsing: "1997-09-23"), intervalSeconds: 86_400, earliestSeconds: 7200, latestSeconds: 21_600))
        #expect(color.logos.map(\.style) == [.imageWide, .image])
        #expect(color.title == "Sample \"Color\" Channel")
    }

    @Test func softwareUpdateChannel() throws {
        let manifest = try Self.load(Self.expectations[6].file)
        #expect(manifest.channel?.usage == .softwareUpdate)
        #expect(manifest.channel?.title == "Circle Control Channel")
        #expect(manifest.codes.contains(.ignoredElement))  // SOFTPKG
    }

    @Test func nestedSections() throws {
        let manifest = try Self.load(Self.expectations[7].file)
        let channel = try #require(manifest.channel)
        #expect(channel.sections.count == 2)
        #expect(channel.sections[1].sections.first?.items.count == 1)
        #expect(channel.items.last?.section == ["http://www.honeycitt.com/other/stuff.html", "http://www.honeycitt.com/deep/stuff.html"])
        // SCHEDULE inside a sub-channel and inside an ITEM: warnings.
        #expect(manifest.codes.filter { $0 == .ignoredElement }.count == 2)
    }

    /// Files added to shared/corpus/cdf later must load too (this checkout's sibling, when present).
    @Test func everyFileInTheSharedCorpusLoads() throws {
        let shared = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/corpus/cdf")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: shared.path))?.filter { $0.hasSuffix(".cdf") } ?? []
        try #require(!files.isEmpty || !FileManager.default.fileExists(atPath: shared.path))
        for file in files {
            let manifest = try Self.load(file, in: shared)
            #expect(manifest.mode != nil && manifest.channel != nil, "\(file): \(manifest.diagnostics.map(\.humanReadable))")
        }
    }
}
