import HTTPTypes
import Hummingbird
import Pushcast

/// The web pages (SPEC §3 table, §3.2): the index, the pages' assets, and the channel page
/// a browser gets at `/channels/<id>`. The live page and the badge are streams
/// (`StreamAdmission`).
struct PageRoutes: Sendable {
    let engine: Engine
    let views: LiveViews
    /// Seconds of silence after which a live page or badge is sent again (`--live-heartbeat`).
    let liveHeartbeat: Double

    func register(in routes: RouteTable<PushcastRequestContext>) {
        routes.add("/", [.get: { _, _ in try await index() }])
        routes.add("/assets/{name}", [.get: { request, context in try PageAssets.response(try context.parameters.require("name"), request) }])
    }

    /// Whether a request for `/channels/<id>` is a browser's, which gets the channel page.
    static func wantsPage(_ request: Request) -> Bool {
        HTMLPreference.prefersHTML(request.headers[.accept])
    }

    private func index() async throws -> Response {
        let records = Dictionary(uniqueKeysWithValues: try await engine.store.channels().map { ($0.id, $0) })
        let subscribers = try await engine.store.subscriberCounts()
        let publicURL = views.links.value
        let rows = await engine.catalog.all().map { entry in
            let channel = entry.channel
            let logo = channel?.logos.first { $0.style == .image } ?? channel?.logos.first
            return IndexPageHTML.Row(
                id: entry.id, file: entry.file, title: channel?.title ?? (channel == nil ? nil : entry.id),
                abstract: channel?.abstract,
                logo: logo.flatMap { WebLink.checked(LocalFiles.link($0.href, channel: entry.id, publicURL: publicURL)) },
                status: entry.status, lastChange: records[entry.id]?.lastChange, lastSeq: records[entry.id]?.lastSeq ?? 0,
                subscribers: subscribers[entry.id] ?? 0, diagnostics: entry.diagnostics)
        }
        return PageResponse.html(IndexPageHTML.render(rows), policy: PageHTML.staticPolicy)
    }

    /// The channel page: the current view and the script that keeps it current.
    func channelPage(_ id: String) async throws -> Response {
        guard let rendered = try await views.current(id) else { throw APIError.unknownChannel(id) }
        return PageResponse.html(
            ChannelPageHTML.page(rendered.view, publicURL: views.links.value, liveHeartbeat: liveHeartbeat),
            policy: PageHTML.scriptedPolicy)
    }
}
