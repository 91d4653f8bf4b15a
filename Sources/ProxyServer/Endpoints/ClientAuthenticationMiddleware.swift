import Hummingbird
import ProxyCore

/// Guards the API (`/v1/…`): with `PROXY_API_KEY` set or client keys made, a request must carry
/// one of them; a client key's name goes into the request's context (its limits are checked once
/// the model is routed). Liveness probes stay open; the usage pages and metrics have their own key,
/// `ADMIN_API_KEY`.
struct ClientAuthenticationMiddleware: RouterMiddleware {
    let live: LiveConfiguration
    let clientKeys: ClientKeyRegistry?

    func handle(
        _ request: Request, context: ProxyRequestContext, next: (Request, ProxyRequestContext) async throws -> Response
    ) async throws -> Response {
        // The path's first component as the router reads it, skipping empty ones (`//v1/messages`, `/metrics/`).
        guard request.uri.path.split(separator: "/").first == "v1" else { return try await next(request, context) }
        let presented = ClientAuthenticator.presentedKeys(apiKeyHeader: request.headers[.xAPIKey], authorizationHeader: request.headers[.authorization])
        let authenticator = live.snapshot.authenticator
        var context = context
        if !authenticator.acceptsProxyKey(presented) {
            for key in presented {
                if case .key(let name) = try clientKeys?.identify(key) { context.clientKeyName = name }
            }
            if context.clientKeyName == nil, let refusal = authenticator.refusal(presented: presented, clientKeysInUse: clientKeys?.hasKeys ?? false) {
                throw refusal
            }
        }
        return try await next(request, context)
    }
}
