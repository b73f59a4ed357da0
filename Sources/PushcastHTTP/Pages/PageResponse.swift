import HTTPTypes
import Hummingbird

/// How pages go out: UTF-8 HTML with the page's Content-Security-Policy, no sniffing, no
/// referrer (a subscriber's page carries its token in the URL), never cached stale.
enum PageResponse {
    static func headers(policy: String) -> HTTPFields {
        [
            HTTPField.Name("Content-Security-Policy")!: policy, HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
    }

    static func html(_ page: String, policy: String) -> Response {
        var headers = headers(policy: policy)
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[.vary] = "Accept"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
