import Hummingbird
import ProxyCore

/// With `PROXY_API_KEY` set, refuses API requests that do not carry it; liveness probes stay open.
struct ClientAuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let live: LiveConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/v1/"),
            let refusal = live.snapshot.authenticator.check(apiKeyHeader: request.headers[.xAPIKey], authorizationHeader: request.headers[.authorization])
        {
            throw refusal
        }
        return try await next(request, context)
    }
}
