import ProxyCore
import Testing

/// Who may use the proxy, and that no key ever shows in a log, an error or a reply.
@Suite struct SecurityEndToEndTests {
    static let proxyKey = "proxy-key-for-the-team-4f1c9a2b7d"
    static let request: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]

    @Test func withAProxyKeySetOnlyClientsThatPresentItGetIn() async throws {
        try await ProxyHarness.run(environment: ["PROXY_API_KEY": Self.proxyKey]) { harness in
            let anonymous = try await harness.post("/v1/messages", json: Self.request)
            #expect(anonymous.status == 401)
            #expect(try anonymous.json["error"]?["type"] == "authentication_error")
            #expect(try anonymous.json["error"]?["message"]?.stringValue?.contains("PROXY_API_KEY") == true)

            let wrong = try await harness.post("/v1/messages", json: Self.request, headers: ["x-api-key": "proxy-key-for-the-team-4f1c9a2b7e"])
            #expect(wrong.status == 401)
            #expect(!String(decoding: wrong.body, as: UTF8.self).contains("4f1c9a2b7"), "the refusal quotes no key")

            let claudeCode = try await harness.post("/v1/messages", json: Self.request, headers: ["x-api-key": Self.proxyKey])
            #expect(claudeCode.status == 200)
            let sdk = try await harness.post("/v1/messages", json: Self.request, headers: ["authorization": "Bearer \(Self.proxyKey)"])
            #expect(sdk.status == 200)
            let models = try await harness.send(.GET, "/v1/models")
            #expect(models.status == 401)
            #expect(harness.fake.receivedRequests.count == 2)

            // Liveness probes stay open.
            #expect(try await harness.send(.GET, "/health").status == 200)
            #expect(try await harness.send(.HEAD, "/api/hello").status == 200)
        }
    }

    @Test func theProxysOwnKeyIsNeverForwardedToAnthropic() async throws {
        try await ProxyHarness.run(environment: ["PROXY_API_KEY": Self.proxyKey]) { harness in
            let reply = try await harness.post(
                "/v1/messages", json: ["model": "anthropic/claude-sonnet-4-6", "max_tokens": 10, "messages": [["role": "user", "content": "hi"]]],
                headers: ["x-api-key": Self.proxyKey])
            #expect(reply.status == 200)
            let forwarded = try #require(harness.anthropic.requests.first)
            #expect(forwarded.headers["x-api-key"] == nil)
            #expect(forwarded.headers["authorization"] == nil)
        }
    }

    @Test func noKeyAppearsInLogsErrorsOrRepliesEvenWithDebugOn() async throws {
        let clientKey = "sk-ant-client-own-key-77777777777777"
        let rejectedKey = "sk-rejected-key-abcdefabcdefabcdef00"
        let environment = [
            "DEBUG": "true", "PROXY_API_KEY": Self.proxyKey,
            "OPENAI_API_KEY": "\(rejectedKey),\(FakeOpenAIUpstream.apiKey)",
            "CHANNEL_BACKUP_BASE_URL": "{upstream}/v1", "CHANNEL_BACKUP_API_KEY": FakeOpenAIUpstream.secondAPIKey,
        ]
        try await ProxyHarness.run(environment: environment) { harness in
            var replies: [ProxyHarness.Reply] = []
            let headers = ["x-api-key": Self.proxyKey, "authorization": "Bearer \(clientKey)"]
            for model in ["claude-sonnet-4-6", "openai/gpt-4o:backup", "anthropic/claude-haiku-4-5", "openai/gpt-4.1:nowhere"] {
                replies.append(
                    try await harness.post(
                        "/v1/messages", json: ["model": .string(model), "max_tokens": 10, "stream": true, "messages": [["role": "user", "content": "hi"]]],
                        headers: headers))
            }
            var failing = FakeReply()
            failing.failure = .init(status: 401, message: "Incorrect API key provided: \(FakeOpenAIUpstream.apiKey)")
            harness.fake.enqueue(failing, failing, failing)
            replies.append(try await harness.post("/v1/messages", json: Self.request, headers: headers))
            replies.append(try await harness.post("/v1/messages", json: Self.request))

            #expect(replies.map(\.status) == [200, 200, 200, 400, 401, 401])
            // The client's own key went nowhere: OpenAI-compatible upstreams got the configured keys only.
            #expect(!harness.fake.receivedKeys.isEmpty)
            #expect(harness.fake.receivedKeys.allSatisfy { [rejectedKey, FakeOpenAIUpstream.apiKey, FakeOpenAIUpstream.secondAPIKey].contains($0) })
            let logs = harness.logs.all.joined(separator: "\n")
            #expect(logs.contains("client request"), "DEBUG logged the bodies")
            let everything = [logs] + replies.map { String(decoding: $0.body, as: UTF8.self) + "\($0.headers)" }
            for secret in [Self.proxyKey, clientKey, rejectedKey, FakeOpenAIUpstream.apiKey, FakeOpenAIUpstream.secondAPIKey] {
                let leaks = everything.filter { $0.contains(secret) }.map { $0.replacing(secret, with: "<<LEAK>>") }
                #expect(leaks.isEmpty, "\(secret.prefix(12))… leaked in \(leaks)")
            }
        }
    }
}
