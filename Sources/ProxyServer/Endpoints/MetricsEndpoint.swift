import Hummingbird
import NIOCore

/// `GET /metrics`: the proxy's metrics in Prometheus's text format while `METRICS_ENABLED` is on
/// (read per request, so a reload turns it on or off); off, a 404 like any unknown path. With
/// `PROXY_API_KEY` set it asks for the key as `/v1/` does (see `ClientAuthenticationMiddleware`).
struct MetricsEndpoint: Sendable {
    static let path = "/metrics"
    /// Prometheus's text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let shared: SharedServices

    func scrape() throws -> Response {
        guard shared.live.configuration.metricsEnabled else { throw HTTPError(.notFound) }
        return Response(
            status: .ok, headers: [.contentType: Self.contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: shared.metrics.exposition())))
    }
}
