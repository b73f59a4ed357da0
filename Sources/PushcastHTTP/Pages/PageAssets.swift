import HTTPTypes
import Crypto
import Hummingbird
import Pushcast

/// The pages' own stylesheet, scripts and icon (`Sources/PushcastHTTP/Assets/`, compiled into
/// the binary): served from `/assets/<name>` with an ETag, nothing from anywhere else.
enum PageAssets {
    struct Asset: Sendable {
        let contentType: String
        let bytes: ByteBuffer
        let etag: String

        init(_ contentType: String, _ bytes: [UInt8]) {
            self.contentType = contentType
            self.bytes = ByteBuffer(bytes: bytes)
            etag = "\"" + SHA256.hash(data: bytes).prefix(12).hexString + "\""
        }
    }

    static let files: [String: Asset] = [
        "pushcast.css": Asset("text/css; charset=utf-8", PackageResources.pushcast_css),
        "live.js": Asset("text/javascript; charset=utf-8", PackageResources.live_js),
        "notify.js": Asset("text/javascript; charset=utf-8", PackageResources.notify_js),
        "icon.svg": Asset("image/svg+xml", PackageResources.icon_svg),
    ]

    static func response(_ name: String, _ request: Request) throws -> Response {
        guard let asset = files[name] else {
            throw APIError(.notFound, "unknown-asset", "there is no asset '\(name.prefix(80))'")
        }
        var headers: HTTPFields = [
            .eTag: asset.etag, .cacheControl: "public, max-age=300", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ]
        if request.headers[.ifNoneMatch] == asset.etag {
            return Response(status: .notModified, headers: headers, body: .init())
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }
}
