import ProxyCore

/// What serves a client's request through one kind of upstream, one attempt at a time. Backends
/// hold nothing: each call gets the services of the request it serves.
protocol MessagesBackend: Sendable {
    /// One attempt of `POST /v1/messages` with `key`: answers once the upstream has accepted the
    /// request. Every failure before that is thrown, for the endpoint to retry or fall back.
    func respond(to request: ClientRequest, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> ExchangeOutcome

    /// `POST /v1/messages/count_tokens`.
    func countTokens(_ request: ClientRequest, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> ExchangeOutcome
}
