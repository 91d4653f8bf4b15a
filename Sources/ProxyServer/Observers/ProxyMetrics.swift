import Prometheus
import Synchronization
import ProxyCore

/// The proxy's metrics, for `GET /metrics`: fed by every exchange's record (as an observer, right
/// after the access log), by the streams as they open and close, and by the usage ledger's dropped
/// records. Each application has a registry of its own (nothing is bootstrapped process-wide), so
/// servers in one process, tests among them, count apart.
///
/// Labels hold only the provider's name, the upstream model's (capped, see `ModelLabelCap`), the
/// status and fixed words: never a key, never what a client wrote beyond the model's name.
package final class ProxyMetrics: RequestObserver {
    /// Distinct `model` label values kept before the rest read `other`.
    static let modelLabelLimit = 100
    /// The provider and model of an exchange refused before it had a target.
    static let none = "none"

    private let registry = PrometheusCollectorRegistry()
    private let models = ModelLabelCap(limit: modelLabelLimit)
    private let streamsOpen: Gauge
    /// The gauge's value, for the dashboard (Prometheus's gauge does not tell it).
    private let openStreamCount = Atomic<Int>(0)
    private let droppedRecords: Counter
    /// The registry's metrics by name and labels: making one validates its name, help and labels
    /// each time, which was most of what counting a request cost.
    private let counters = BoundedCache<Counter>(capacity: 4096)
    private let durationHistograms = BoundedCache<DurationHistogram>(capacity: 4096)
    private let valueHistograms = BoundedCache<ValueHistogram>(capacity: 4096)

    package init() {
        streamsOpen = registry.makeGauge(descriptor: Family.streamsOpen.descriptor)
        droppedRecords = registry.makeCounter(descriptor: Family.usageRecordsDropped.descriptor)
    }

    /// The usage ledger calls this with the number of records it could not store (its queue full,
    /// a write that failed), counted in `anthropic_proxy_usage_records_dropped_total`.
    package func recordsDropped(_ count: Int) {
        guard count > 0 else { return }
        droppedRecords.increment(by: Int64(count))
    }

    /// A streamed response began to be relayed.
    func streamOpened() {
        streamsOpen.increment()
        openStreamCount.add(1, ordering: .relaxed)
    }

    /// A stream ended, whatever its ending.
    func streamClosed() {
        streamsOpen.decrement()
        openStreamCount.subtract(1, ordering: .relaxed)
    }

    /// Streamed replies being relayed now.
    var openStreams: Int { openStreamCount.load(ordering: .relaxed) }

    /// Every metric in Prometheus's text format.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    package func observe(_ record: RequestRecord) {
        let target = record.target
        let model = target.map { models.label($0.model) } ?? Self.none
        let labels = [("provider", target?.providerName ?? Self.none), ("model", model)]
        counter(Family.requests, labels: labels + [("status", String(record.status))]).increment()
        for failed in record.targets.dropLast() {
            counter(Family.retries, labels: [("provider", failed.providerName), ("model", models.label(failed.model))])
                .increment()
        }
        // A token count's usage is the count it answered, not tokens spent, and its quick answer
        // would blur the model calls' latencies.
        guard record.path.split(separator: "/").last != "count_tokens" else { return }
        if let usage = record.usage {
            let counts = [
                ("input", usage.inputTokens), ("output", usage.outputTokens), ("cache_read", usage.cacheReadInputTokens),
                ("cache_write", usage.cacheCreationInputTokens),
            ]
            for (type, count) in counts {
                // An upstream's negative count would trap the counter, which only goes up.
                counter(Family.tokens, labels: labels + [("type", type)]).increment(by: Int64(max(count, 0)))
            }
        }
        // The prices are another part's: a negative or not-a-number cost would trap the counter too.
        if let cost = record.costUSD, cost >= 0, cost.isFinite {
            counter(Family.costUSD, labels: labels).increment(by: cost)
        }
        durationHistogram(Family.requestDuration, labels: labels, buckets: Self.latencyBuckets).record(record.duration)
        if record.status < 400, let firstByte = record.timeToFirstByte {
            durationHistogram(Family.timeToFirstToken, labels: labels, buckets: Self.latencyBuckets).record(firstByte)
        }
        if let target { observeOpenTelemetry(record, provider: target.openTelemetryProviderName, model: model) }
    }

    /// OpenTelemetry's GenAI client metrics, in Prometheus's spelling of their names. The record
    /// does not know the model an upstream says answered, so the response model is the one asked.
    private func observeOpenTelemetry(_ record: RequestRecord, provider: String, model: String) {
        let attributes = [
            ("gen_ai_operation_name", "chat"), ("gen_ai_provider_name", provider), ("gen_ai_request_model", model),
            ("gen_ai_response_model", model),
        ]
        let outcome = record.errorType.map { attributes + [("error_type", $0)] } ?? attributes
        durationHistogram(Family.operationDuration, labels: outcome, buckets: Self.operationDurationBuckets)
            .record(record.duration)
        guard let usage = record.usage else { return }
        // OpenTelemetry's input tokens are all of them, those read from and written to the cache included.
        let input = usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens
        for (type, count) in [("input", input), ("output", usage.outputTokens)] {
            let labels = attributes + [("gen_ai_token_type", type)]
            valueHistogram(Family.tokenUsage, labels: labels, buckets: Self.tokenBuckets).record(Double(count))
        }
    }

    private func counter(_ family: Family, labels: [(String, String)]) -> Counter {
        counters.value(for: Self.key(family, labels)) { registry.makeCounter(descriptor: family.descriptor, labels: labels) }
    }

    private func durationHistogram(_ family: Family, labels: [(String, String)], buckets: [Duration]) -> DurationHistogram {
        durationHistograms.value(for: Self.key(family, labels)) {
            registry.makeDurationHistogram(descriptor: family.descriptor, labels: labels, buckets: buckets)
        }
    }

    private func valueHistogram(_ family: Family, labels: [(String, String)], buckets: [Double]) -> ValueHistogram {
        valueHistograms.value(for: Self.key(family, labels)) { registry.makeValueHistogram(descriptor: family.descriptor, labels: labels, buckets: buckets) }
    }

    private static func key(_ family: Family, _ labels: [(String, String)]) -> String {
        ([family.name] + labels.map { "\($0.0)=\($0.1)" }).joined(separator: "\u{0}")
    }

    /// From a quick reply to a long agentic turn.
    static let latencyBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(20),
        .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]
    /// The boundaries OpenTelemetry's conventions give `gen_ai.client.operation.duration`.
    static let operationDurationBuckets: [Duration] = [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480, 40960, 81920].map {
        .milliseconds($0)
    }
    /// The boundaries OpenTelemetry's conventions give `gen_ai.client.token.usage`: powers of 4.
    static let tokenBuckets: [Double] = (0...13).map { Double(1 << (2 * $0)) }
}

/// A metric's name and the help it is exposed with (one help per name: the registry insists).
private struct Family: Sendable {
    let name: String
    let help: String

    var descriptor: MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }

    static let requests = Family(
        name: "anthropic_proxy_requests_total",
        help: "Exchanges ended, by the target that served them or failed last (none before any) and the HTTP status the client received.")
    static let tokens = Family(
        name: "anthropic_proxy_tokens_total",
        help: "Tokens the client was told a reply cost: input (not cached), output, cache_read and cache_write; token counts are not spent.")
    static let costUSD = Family(name: "anthropic_proxy_cost_usd_total", help: "What replies cost in US dollars, where the model's prices are known.")
    static let requestDuration = Family(
        name: "anthropic_proxy_request_duration_seconds", help: "POST /v1/messages from receiving the request to the end of the reply.")
    static let timeToFirstToken = Family(
        name: "anthropic_proxy_time_to_first_token_seconds",
        help: "POST /v1/messages from receiving the request to the response's head (a stream's start), for answers that were not errors.")
    static let retries = Family(
        name: "anthropic_proxy_upstream_retries_total", help: "Upstream attempts that failed and were followed by another, by the target that failed.")
    static let streamsOpen = Family(name: "anthropic_proxy_streams_open", help: "Streamed replies being relayed now.")
    static let usageRecordsDropped = Family(
        name: "anthropic_proxy_usage_records_dropped_total", help: "Request records the usage ledger could not store.")
    static let operationDuration = Family(
        name: "gen_ai_client_operation_duration_seconds", help: "GenAI operation duration (OpenTelemetry gen_ai.client.operation.duration).")
    static let tokenUsage = Family(
        name: "gen_ai_client_token_usage", help: "Number of input and output tokens used (OpenTelemetry gen_ai.client.token.usage).")
}
