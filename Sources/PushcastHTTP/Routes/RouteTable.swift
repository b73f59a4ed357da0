import Hummingbird

/// Registers a path's handlers and answers every other method on it with 405 and `Allow`
/// (SPEC §3), which the router alone would answer with 404. GET also answers HEAD.
struct RouteTable<Context: RequestContext> {
    typealias Handler = @Sendable (Request, Context) async throws -> Response

    let router: Router<Context>
    static var methods: [HTTPRequest.Method] { [.get, .head, .post, .put, .delete, .patch] }

    /// A path whose GET and HEAD the stream path answers before the router sees them
    /// (`StreamPath`): the router answers its other methods, with 405.
    func addStream(_ path: RouterPath) {
        add(path, [:], answeredElsewhere: [.get, .head])
    }

    func add(_ path: RouterPath, _ handlers: [HTTPRequest.Method: Handler], answeredElsewhere: [HTTPRequest.Method] = []) {
        var allowed = Array(handlers.keys) + answeredElsewhere
        if handlers[.get] != nil, handlers[.head] == nil { allowed.append(.head) }
        let allow = Self.methods.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
        for method in Self.methods {
            if answeredElsewhere.contains(method) {
                continue
            } else if let handler = handlers[method] {
                router.on(path, method: method, use: handler)
            } else if method == .head, let get = handlers[.get] {
                router.on(path, method: .head) { request, context in
                    let response = try await get(request, context)
                    return Response(status: response.status, headers: response.headers, body: .init())
                }
            } else {
                router.on(path, method: method) { request, _ -> Response in
                    throw APIError(
                        .methodNotAllowed, "method-not-allowed", "\(request.method.rawValue) is not allowed here; use \(allow)",
                        headers: [.allow: allow])
                }
            }
        }
    }
}
