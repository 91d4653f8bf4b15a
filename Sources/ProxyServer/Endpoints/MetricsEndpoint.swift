import Hummingbird
import NIOCore

/// `GET /metrics`: the proxy's metrics in Prometheus's text format while `METRICS_ENABLED` is on
/// (read per request, so a reload turns it on or off); off, a 404 like any unknown path. Open to
/// this machine, or to whoever presents `ADMIN_API_KEY` when it is set, as `/api/usage` is.
struct MetricsEndpoint: Sendable {
    static let path = "/metrics"
    /// Prometheus's text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let shared: SharedServices

    func scrape(_ request: Request, context: ProxyRequestContext) throws -> Response {
        let services = shared.forRequest()
        guard services.configuration.metricsEnabled else { throw HTTPError(.notFound) }
        try request.checkAdminAccess(context: context, services: services, sessions: shared.adminSessions)
        return Response(
            status: .ok, headers: [.contentType: Self.contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: shared.metrics.exposition())))
    }
}
