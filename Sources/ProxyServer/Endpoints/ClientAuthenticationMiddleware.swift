import Hummingbird
import ProxyCore

/// With `PROXY_API_KEY` set, refuses API requests that do not carry it; liveness probes stay open
/// (the usage pages and metrics have their own key, `ADMIN_API_KEY`).
struct ClientAuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let live: LiveConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The path's first component as the router reads it, skipping empty ones (`//v1/messages`, `/metrics/`).
        let section = request.uri.path.split(separator: "/").first.map { "/\($0)" }
        if section == "/v1",
            let refusal = live.snapshot.authenticator.check(apiKeyHeader: request.headers[.xAPIKey], authorizationHeader: request.headers[.authorization])
        {
            throw refusal
        }
        return try await next(request, context)
    }
}
