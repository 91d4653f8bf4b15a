import ProxyCore
@testable import ProxyServer
import Testing

/// What the metrics make of records the end-to-end tests cannot produce (costs, the ledger's
/// dropped records, other providers), and the cap on the model label.
@Suite struct ProxyMetricsTests {
    private static func target(_ provider: Provider, _ model: String, preset: String? = nil) -> AttemptedTarget {
        AttemptedTarget(
            RouteTarget(
                provider: provider, model: model, baseURL: "https://upstream.example.com", apiKeys: ["sk-never-a-label"], keyVariable: "KEY",
                preset: preset.flatMap { ProviderPreset.named($0) }))
    }

    private static func record(_ path: String = "/v1/messages", target: AttemptedTarget, usage: Usage? = nil, cost: Double? = nil) -> RequestRecord {
        var record = RequestRecord(id: "req_test", receivedAt: UTCTime(millisecondsSince1970: 0), method: "POST", path: path)
        record.targets = [target]
        record.attempts = 1
        record.usage = usage
        record.costUSD = cost
        record.duration = .milliseconds(1500)
        record.timeToFirstByte = .milliseconds(300)
        return record
    }

    private static func lines(_ metrics: ProxyMetrics) -> [String] {
        String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func costsAddUpWhereKnownAndNeverBelowZero() {
        let metrics = ProxyMetrics()
        let grok = Self.target(.openAI, "grok-4", preset: "xai")
        metrics.observe(Self.record(target: grok, cost: 0.25))
        metrics.observe(Self.record(target: grok, cost: 0.5))
        metrics.observe(Self.record(target: grok, cost: -1))
        metrics.observe(Self.record(target: Self.target(.openAI, "gpt-4.1")))
        let lines = Self.lines(metrics)
        #expect(lines.contains(#"anthropic_proxy_cost_usd_total{provider="xai",model="grok-4"} 0.75"#))
        #expect(!lines.contains { $0.hasPrefix("anthropic_proxy_cost_usd_total") && $0.contains("gpt-4.1") })
        #expect(lines.contains(#"anthropic_proxy_requests_total{provider="xai",model="grok-4",status="200"} 3"#))
    }

    @Test func theLedgersDroppedRecordsAreCounted() {
        let metrics = ProxyMetrics()
        #expect(Self.lines(metrics).contains("anthropic_proxy_usage_records_dropped_total 0"))
        metrics.recordsDropped(3)
        metrics.recordsDropped(2)
        #expect(Self.lines(metrics).contains("anthropic_proxy_usage_records_dropped_total 5"))
    }

    @Test func aTokenCountIsARequestButNoTokensSpent() {
        let metrics = ProxyMetrics()
        metrics.observe(Self.record("/v1/messages/count_tokens", target: Self.target(.anthropic, "claude-sonnet-4-5"), usage: Usage(inputTokens: 5000)))
        let lines = Self.lines(metrics)
        #expect(lines.contains(#"anthropic_proxy_requests_total{provider="anthropic",model="claude-sonnet-4-5",status="200"} 1"#))
        #expect(!lines.contains { $0.hasPrefix("anthropic_proxy_tokens_total") || $0.hasPrefix("gen_ai_") || $0.hasPrefix("anthropic_proxy_request_duration") })
    }

    @Test func tokensByTypeAndOpenTelemetrysInputIsTheWholePrompt() {
        let metrics = ProxyMetrics()
        let usage = Usage(inputTokens: 10, outputTokens: 7, cacheCreationInputTokens: 20, cacheReadInputTokens: 1000)
        metrics.observe(Self.record(target: Self.target(.anthropic, "claude-opus-4-1"), usage: usage))
        let lines = Self.lines(metrics)
        for (type, count) in [("input", 10), ("output", 7), ("cache_read", 1000), ("cache_write", 20)] {
            #expect(lines.contains(#"anthropic_proxy_tokens_total{provider="anthropic",model="claude-opus-4-1",type="\#(type)"} \#(count)"#))
        }
        let attributes =
            #"gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-opus-4-1",gen_ai_response_model="claude-opus-4-1""#
        #expect(lines.contains(#"gen_ai_client_token_usage_sum{\#(attributes),gen_ai_token_type="input"} 1030.0"#))
        #expect(lines.contains(#"gen_ai_client_token_usage_bucket{\#(attributes),gen_ai_token_type="input",le="1024.0"} 0"#))
        #expect(lines.contains(#"gen_ai_client_token_usage_bucket{\#(attributes),gen_ai_token_type="input",le="4096.0"} 1"#))
        #expect(lines.contains(#"gen_ai_client_token_usage_sum{\#(attributes),gen_ai_token_type="output"} 7.0"#))
        #expect(lines.contains(#"gen_ai_client_operation_duration_seconds_bucket{\#(attributes),le="1.28"} 0"#))
        #expect(lines.contains(#"gen_ai_client_operation_duration_seconds_bucket{\#(attributes),le="2.56"} 1"#))
        #expect(lines.contains(#"anthropic_proxy_request_duration_seconds_bucket{provider="anthropic",model="claude-opus-4-1",le="1.0"} 0"#))
        #expect(lines.contains(#"anthropic_proxy_request_duration_seconds_bucket{provider="anthropic",model="claude-opus-4-1",le="2.5"} 1"#))
        #expect(lines.contains(#"anthropic_proxy_time_to_first_token_seconds_bucket{provider="anthropic",model="claude-opus-4-1",le="0.25"} 0"#))
        #expect(lines.contains(#"anthropic_proxy_time_to_first_token_seconds_bucket{provider="anthropic",model="claude-opus-4-1",le="0.5"} 1"#))
    }

    @Test func openTelemetryProviderNamesAreItsWellKnownOnes() {
        let names = [
            Self.target(.openAI, "gpt-4.1"), Self.target(.openAIResponses, "o3-pro"), Self.target(.gemini, "gemini-2.5-pro"),
            Self.target(.anthropic, "claude-sonnet-4-5"), Self.target(.openAI, "grok-4", preset: "xai"),
            Self.target(.openAI, "gpt-4o", preset: "azure"), Self.target(.openAI, "deepseek-chat", preset: "deepseek"),
            Self.target(.openAI, "llama-3.3-70b", preset: "groq"), Self.target(.openAI, "qwen3", preset: "openrouter"),
        ].map(\.openTelemetryProviderName)
        #expect(names == ["openai", "openai", "gcp.gemini", "anthropic", "x_ai", "azure.ai.openai", "deepseek", "groq", "openrouter"])
    }

    @Test func theModelLabelKeepsTheFirstNamesAndCallsTheRestOther() {
        let cap = ModelLabelCap(limit: 2)
        #expect(cap.label("gpt-4.1") == "gpt-4.1")
        #expect(cap.label("gpt-4o") == "gpt-4o")
        #expect(cap.label("gpt-5") == "other")
        #expect(cap.label("gpt-4.1") == "gpt-4.1")
        #expect(ModelLabelCap(limit: 2).label(String(repeating: "m", count: ModelLabelCap.maximumLength + 1)) == "other")
    }

    @Test func aRefusedRequestHasNoTarget() {
        let metrics = ProxyMetrics()
        var refused = RequestRecord(id: "req_test", receivedAt: UTCTime(millisecondsSince1970: 0), method: "POST", path: "/v1/messages")
        refused.fail(with: .invalidRequest("model: Field required"))
        metrics.observe(refused)
        let lines = Self.lines(metrics)
        #expect(lines.contains(#"anthropic_proxy_requests_total{provider="none",model="none",status="400"} 1"#))
        #expect(!lines.contains { $0.hasPrefix("gen_ai_") })
    }
}
