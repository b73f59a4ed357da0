import Foundation
import Hummingbird

/// An error as SPEC §3 writes it: `{"error": {"code", "message"}}` with the right status.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let (fields, body) = answer(accept: request.headers[.accept])
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }

    /// The one answer to an error, for the routes and the stream path alike: a page in the
    /// site's style for a browser (`Accept` prefers HTML, `HTMLPreference`), else the JSON
    /// body; the same status and headers either way.
    func answer(accept: String?) -> (fields: HTTPFields, body: ByteBuffer) {
        var fields: HTTPFields
        let body: ByteBuffer
        if HTMLPreference.prefersHTML(accept) {
            fields = PageResponse.headers(policy: PageHTML.staticPolicy)
            fields[.contentType] = "text/html; charset=utf-8"
            body = ByteBuffer(string: ErrorPageHTML.render(status: status, code: code, message: message))
        } else {
            fields = [.contentType: "application/json; charset=utf-8"]
            body = jsonBody
        }
        fields[.vary] = "Accept"
        fields.append(contentsOf: headers)
        return (fields, body)
    }

    /// The JSON body.
    private var jsonBody: ByteBuffer {
        (try? JSONResponse.bytes(["error": ["code": code, "message": message]])) ?? ByteBuffer()
    }

    static func unknownChannel(_ id: String) -> APIError {
        APIError(.notFound, "unknown-channel", "there is no channel '\(id)'; GET /channels lists them")
    }
}

/// Makes every error a JSON error: ours as they are, the framework's (404 for an unknown
/// path …) with a code from their status, anything else a 500 that says nothing internal.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPResponseError {
            let status = error.status
            let code = status == .notFound ? "not-found" : status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-")
            throw APIError(status, code, status == .notFound ? "no such path: \(request.uri.path)" : status.reasonPhrase)
        } catch {
            context.logger.failure("request failed", error, metadata: ["path": "\(request.uri.path)"])
            throw APIError(.internalServerError, "internal", "the server could not answer; see its log")
        }
    }
}
