import AsyncHTTPClient
import NIOCore
import ProxyCore
@testable import ProxyServer
import Testing

/// `GET /metrics` after real exchanges: the exact samples each kind of ending leaves, the cap on
/// model names, no key anywhere, the client key it asks for, and the setting that turns it off.
@Suite struct MetricsEndToEndTests {
    static let request: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]
    static let streamedRequest: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "stream": true, "messages": [["role": "user", "content": "hi"]]]
    /// `gpt-4.1`'s OpenTelemetry attributes, as the fakes serve it.
    static let gpt41Attributes =
        #"gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4.1",gen_ai_response_model="gpt-4.1""#

    /// The scrape's lines, once `records` exchanges have been observed.
    private func scrape(_ harness: ProxyHarness, after records: Int, headers: [String: String] = [:]) async throws -> [String] {
        #expect(try await harness.records.waitFor(records).count == records)
        let reply = try await harness.send(.GET, "/metrics", headers: headers)
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        return String(decoding: reply.body, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func wholeAndStreamedRepliesAreCountedWithTheirTokensAndTimes() async throws {
        try await ProxyHarness.run { harness in
            var cached = FakeReply()
            cached.cachedTokens = 30
            harness.fake.enqueue(cached)
            #expect(try await harness.post("/v1/messages", json: Self.request).status == 200)
            #expect(try await harness.post("/v1/messages", json: Self.streamedRequest).status == 200)
            let lines = try await scrape(harness, after: 2)

            #expect(lines.contains("# TYPE anthropic_proxy_requests_total counter"))
            #expect(lines.contains(#"anthropic_proxy_requests_total{provider="openai",model="gpt-4.1",status="200"} 2"#))
            // 100 prompt tokens each, 30 of the first read from the cache; 20 out each.
            #expect(lines.contains(#"anthropic_proxy_tokens_total{provider="openai",model="gpt-4.1",type="input"} 170"#))
            #expect(lines.contains(#"anthropic_proxy_tokens_total{provider="openai",model="gpt-4.1",type="output"} 40"#))
            #expect(lines.contains(#"anthropic_proxy_tokens_total{provider="openai",model="gpt-4.1",type="cache_read"} 30"#))
            #expect(lines.contains(#"anthropic_proxy_tokens_total{provider="openai",model="gpt-4.1",type="cache_write"} 0"#))
            // gpt-4.1 at $2 in, $8 out and $0.50 cached per million tokens.
            let cost = lines.first { $0.hasPrefix(#"anthropic_proxy_cost_usd_total{provider="openai",model="gpt-4.1"} "#) }
            let dollars = try #require(cost.flatMap { Double($0.split(separator: " ").last ?? "") })
            #expect(abs(dollars - (170 * 2 + 40 * 8 + 30 * 0.5) / 1_000_000) < 1e-12)

            #expect(lines.contains("# TYPE anthropic_proxy_request_duration_seconds histogram"))
            #expect(lines.contains(#"anthropic_proxy_request_duration_seconds_count{provider="openai",model="gpt-4.1"} 2"#))
            #expect(lines.contains(#"anthropic_proxy_request_duration_seconds_bucket{provider="openai",model="gpt-4.1",le="300.0"} 2"#))
            #expect(lines.contains(#"anthropic_proxy_time_to_first_token_seconds_count{provider="openai",model="gpt-4.1"} 2"#))
            #expect(lines.contains("anthropic_proxy_streams_open 0.0"))
            #expect(lines.contains("anthropic_proxy_usage_records_dropped_total 0"))
            #expect(!lines.contains { $0.hasPrefix("anthropic_proxy_upstream_retries_total{") })

            #expect(lines.contains("# TYPE gen_ai_client_token_usage histogram"))
            #expect(lines.contains(#"gen_ai_client_token_usage_count{\#(Self.gpt41Attributes),gen_ai_token_type="input"} 2"#))
            #expect(lines.contains(#"gen_ai_client_token_usage_sum{\#(Self.gpt41Attributes),gen_ai_token_type="input"} 200.0"#))
            #expect(lines.contains(#"gen_ai_client_token_usage_bucket{\#(Self.gpt41Attributes),gen_ai_token_type="input",le="64.0"} 0"#))
            #expect(lines.contains(#"gen_ai_client_token_usage_bucket{\#(Self.gpt41Attributes),gen_ai_token_type="input",le="256.0"} 2"#))
            #expect(lines.contains(#"gen_ai_client_token_usage_sum{\#(Self.gpt41Attributes),gen_ai_token_type="output"} 40.0"#))
            #expect(lines.contains(#"gen_ai_client_operation_duration_seconds_count{\#(Self.gpt41Attributes)} 2"#))
        }
    }

    @Test func aStreamCountsAsOpenUntilItEndsEvenWhenItsClientLeaves() async throws {
        try await ProxyHarness.run { harness in
            var thinking = FakeReply(text: "A long answer.")
            thinking.pauseAfterFirstChunk = .seconds(60)
            harness.fake.enqueue(thinking)
            do {
                var request = HTTPClientRequest(url: harness.proxyURL + "/v1/messages")
                request.method = .POST
                request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(Self.streamedRequest)))
                let response = try await harness.client.execute(request, timeout: .seconds(30))
                var body = response.body.makeAsyncIterator()
                // Its first bytes are written once it counts as open.
                #expect(try await body.next() != nil)
                let open = try await scrape(harness, after: 0)
                #expect(open.contains("anthropic_proxy_streams_open 1.0"))
            }
            // The client has let go of the stream: it ends, and is no longer counted.
            let lines = try await scrape(harness, after: 1)
            #expect(lines.contains("anthropic_proxy_streams_open 0.0"))
            #expect(lines.contains(#"anthropic_proxy_requests_total{provider="openai",model="gpt-4.1",status="499"} 1"#))
        }
    }

    @Test func failuresAreCountedByStatusWithTheirErrorType() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply.failing(400, "Unsupported parameter: 'temperature'"))
            #expect(try await harness.post("/v1/messages", json: Self.request).status == 400)
            #expect(try await harness.send(.POST, "/v1/messages", body: Array("not json".utf8)).status == 400)
            var cut = FakeReply(text: String(repeating: "word ", count: 50))
            cut.streamFault = .connectionReset
            harness.fake.enqueue(cut)
            #expect(try await harness.post("/v1/messages", json: Self.streamedRequest).status == 200)
            let lines = try await scrape(harness, after: 3)

            #expect(lines.contains(#"anthropic_proxy_requests_total{provider="openai",model="gpt-4.1",status="400"} 1"#))
            #expect(lines.contains(#"anthropic_proxy_requests_total{provider="none",model="none",status="400"} 1"#))
            // A stream that fails after it began keeps the 200 its client received.
            #expect(lines.contains(#"anthropic_proxy_requests_total{provider="openai",model="gpt-4.1",status="200"} 1"#))
            #expect(lines.contains(#"gen_ai_client_operation_duration_seconds_count{\#(Self.gpt41Attributes),error_type="invalid_request_error"} 1"#))
            #expect(lines.contains(#"gen_ai_client_operation_duration_seconds_count{\#(Self.gpt41Attributes),error_type="api_error"} 1"#))
            #expect(!lines.contains { $0.hasPrefix("gen_ai_client_operation_duration_seconds_count{\(Self.gpt41Attributes)}") })
            // Only the stream had a head that was no error.
            #expect(lines.contains(#"anthropic_proxy_time_to_first_token_seconds_count{provider="openai",model="gpt-4.1"} 1"#))
            #expect(lines.contains(#"anthropic_proxy_request_duration_seconds_count{provider="openai",model="gpt-4.1"} 2"#))
            #expect(lines.contains("anthropic_proxy_streams_open 0.0"))
        }
    }

    @Test func retriesAreCountedByTheTargetThatFailed() async throws {
        try await ProxyHarness.run(environment: ProxyHarness.fallbackEnvironment) { harness in
            // gpt-4.1 fails once, then the backup serves; then gpt-4.1 and the backup fail once each.
            harness.fake.enqueue(FakeReply.failing(529, "Overloaded"))
            #expect(try await harness.post("/v1/messages", json: Self.request).status == 200)
            harness.fake.enqueue(FakeReply.failing(529, "Overloaded"), FakeReply.failing(503, "Busy"))
            #expect(try await harness.post("/v1/messages", json: Self.request).status == 200)
            let records = try await harness.records.waitFor(2)
            #expect(records.map(\.attempts) == [2, 3])
            let lines = try await scrape(harness, after: 2)

            #expect(lines.contains(#"anthropic_proxy_upstream_retries_total{provider="openai",model="gpt-4.1"} 2"#))
            #expect(lines.contains(#"anthropic_proxy_upstream_retries_total{provider="openai",model="gpt-4o"} 1"#))
            #expect(lines.contains(#"anthropic_proxy_requests_total{provider="openai",model="gpt-4o",status="200"} 2"#))
            #expect(!lines.contains { $0.hasPrefix(#"anthropic_proxy_requests_total{provider="openai",model="gpt-4.1""#) })
        }
    }

    @Test func modelNamesBeyondTheCapAreOther() async throws {
        try await ProxyHarness.run { harness in
            let names = (0...ProxyMetrics.modelLabelLimit + 1).map { "model-\($0)" }
            for name in names {
                let request: JSONValue = ["model": .string("openai/\(name)"), "max_tokens": 10, "messages": [["role": "user", "content": "hi"]]]
                let reply = try await harness.post("/v1/messages", json: request)
                #expect(reply.status == 200)
            }
            let lines = try await scrape(harness, after: names.count)
            let requests = lines.filter { $0.hasPrefix("anthropic_proxy_requests_total{") }
            #expect(requests.count == ProxyMetrics.modelLabelLimit + 1)
            #expect(requests.contains(#"anthropic_proxy_requests_total{provider="openai",model="model-\#(ProxyMetrics.modelLabelLimit - 1)",status="200"} 1"#))
            #expect(requests.contains(#"anthropic_proxy_requests_total{provider="openai",model="other",status="200"} 2"#))
            #expect(!lines.contains { $0.contains(#"model="model-\#(ProxyMetrics.modelLabelLimit)""#) })
        }
    }

    @Test func noKeyAppearsAndTheAdminKeyIsAskedFor() async throws {
        let proxyKey = "proxy-key-for-the-metrics-8e2d4c"
        let adminKey = "admin-key-for-the-metrics-51b7aa"
        try await ProxyHarness.run(environment: ["PROXY_API_KEY": proxyKey, "ADMIN_API_KEY": adminKey]) { harness in
            // A model name that is the upstream's key reaches the record redacted.
            let leaky: JSONValue = ["model": .string("openai/\(FakeOpenAIUpstream.apiKey)"), "max_tokens": 10, "messages": [["role": "user", "content": "hi"]]]
            #expect(try await harness.post("/v1/messages", json: leaky, headers: ["x-api-key": proxyKey]).status == 200)
            let lines = try await scrape(harness, after: 1, headers: ["x-api-key": adminKey])
            #expect(lines.contains { $0.hasPrefix(#"anthropic_proxy_requests_total{provider="openai""#) && $0.hasSuffix(#"status="200"} 1"#) })
            #expect(!lines.contains { $0.contains(FakeOpenAIUpstream.apiKey) || $0.contains(proxyKey) || $0.contains(adminKey) })

            // However the path is spelt, as the router reads it; the proxy's key is not the admin's.
            for path in ["/metrics", "/metrics/", "//metrics"] {
                let refused = try await harness.send(.GET, path, headers: ["x-api-key": proxyKey])
                #expect(refused.status == 401, "\(path)")
                #expect(try refused.json["error"]?["type"] == "authentication_error", "\(path)")
            }
            let unkeyed = try await harness.send(.GET, "//v1/models")
            #expect(unkeyed.status == 401, "the client key is asked for however /v1/ is spelt")
            #expect(try await harness.send(.GET, "/metrics", headers: ["authorization": "Bearer \(adminKey)"]).status == 200)
            #expect(try await harness.send(.GET, "/health").status == 200)
        }
    }

    @Test func withoutAnAdminKeyThisMachineMayRead() async throws {
        try await ProxyHarness.run(environment: ["PROXY_API_KEY": "proxy-key-for-the-metrics-8e2d4c"]) { harness in
            let reply = try await harness.send(.GET, "/metrics")
            #expect(reply.status == 200, "the harness's client is on 127.0.0.1")
        }
    }

    @Test func turnedOffItIsNotFoundLikeAnyUnknownPath() async throws {
        try await ProxyHarness.run(environment: ["METRICS_ENABLED": "false"]) { harness in
            let metrics = try await harness.send(.GET, "/metrics")
            let unknown = try await harness.send(.GET, "/nowhere")
            #expect(metrics.status == 404 && unknown.status == 404)
            #expect(try metrics.json["type"] == "error")
            #expect(try metrics.json["error"]?["type"] == "not_found_error")
            #expect(try metrics.json["error"]?["message"]?.stringValue?.hasPrefix("No such endpoint: GET /metrics.") == true)
            #expect(try unknown.json["error"]?["type"] == "not_found_error")
        }
    }
}
