import ProxyCore
import Testing

/// Every failure reaches the client as an Anthropic error with the right status and type, says what
/// to fix, never shows a key, and leaves the server serving.
@Suite struct ErrorEndToEndTests {
    static let simpleRequest: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]

    private func error(_ reply: ProxyHarness.Reply) throws -> (type: String, message: String) {
        let json = try reply.json
        #expect(json["type"] == "error")
        return (try #require(json["error"]?["type"]?.stringValue), try #require(json["error"]?["message"]?.stringValue))
    }

    /// Retries are off here, so the upstream's answer is what the client sees.
    static let noRetries = ["MAX_RETRIES": "0"]

    @Test func upstreamRateLimitKeepsItsStatusAndRetryAfterInWholeSeconds() async throws {
        try await ProxyHarness.run(environment: Self.noRetries) { harness in
            var reply = FakeReply()
            reply.failure = .init(status: 429, message: "Rate limit reached for gpt-4.1", retryAfter: "1.5")
            harness.fake.enqueue(reply)
            let response = try await harness.post("/v1/messages", json: Self.simpleRequest)
            #expect(response.status == 429)
            #expect(response.headers["retry-after"] == "2")
            let (type, message) = try error(response)
            #expect(type == "rate_limit_error")
            #expect(message.contains("Rate limit reached for gpt-4.1"))
        }
    }

    @Test func upstreamErrorBeforeAStreamStartsIsAStatusNotAnEventStream() async throws {
        try await ProxyHarness.run(environment: Self.noRetries) { harness in
            var reply = FakeReply()
            reply.failure = .init(status: 503, message: "The server is overloaded")
            harness.fake.enqueue(reply)
            var request = try #require(Self.simpleRequest.objectValue)
            request["stream"] = true
            let response = try await harness.post("/v1/messages", json: .object(request))
            #expect(response.status == 529)
            #expect(response.headers["content-type"] == "application/json")
            #expect(try error(response).type == "overloaded_error")
        }
    }

    @Test func missingKeyIsA401NamingTheVariableToSet() async throws {
        try await ProxyHarness.run(environment: ["OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""]) { harness in
            let response = try await harness.post("/v1/messages", json: Self.simpleRequest)
            #expect(response.status == 401)
            let (type, message) = try error(response)
            #expect(type == "authentication_error")
            #expect(message.contains("OPENAI_API_KEY"))
        }
    }

    /// A server of the user's own at OPENAI_BASE_URL is asked without a key; one that wants a key
    /// refuses, and the error names the variable to set.
    @Test func aServerAtOpenAIBaseURLIsAskedWithoutAKeyAndItsRefusalNamesTheVariable() async throws {
        try await ProxyHarness.run(environment: ["OPENAI_API_KEY": ""]) { harness in
            let response = try await harness.post("/v1/messages", json: Self.simpleRequest)
            #expect(response.status == 401)
            let (type, message) = try error(response)
            #expect(type == "authentication_error")
            #expect(message.contains("OPENAI_API_KEY"))
            #expect(harness.fake.receivedRequests.isEmpty, "the strict fake accepted nothing without its key")
        }
    }

    @Test func keyRejectedByTheUpstreamIsA401ThatNamesTheSettingButNotTheKey() async throws {
        let wrongKey = "sk-wrong-key-abcdefghijklmnopqrstuvwxyz"
        try await ProxyHarness.run(environment: ["OPENAI_API_KEY": wrongKey]) { harness in
            let response = try await harness.post("/v1/messages", json: Self.simpleRequest)
            #expect(response.status == 401)
            let (type, message) = try error(response)
            #expect(type == "authentication_error")
            #expect(message.contains("Check OPENAI_API_KEY"))
            #expect(!String(decoding: response.body, as: UTF8.self).contains(wrongKey))
        }
    }

    @Test func unknownChannelIsA400NamingTheVariablesToDefine() async throws {
        try await ProxyHarness.run { harness in
            var request = try #require(Self.simpleRequest.objectValue)
            request["model"] = "openai/gpt-4.1:Backup"
            let response = try await harness.post("/v1/messages", json: .object(request))
            #expect(response.status == 400)
            let (type, message) = try error(response)
            #expect(type == "invalid_request_error")
            #expect(message.contains("CHANNEL_BACKUP_BASE_URL"))
        }
    }

    @Test func channelSuffixSendsTheRequestToTheChannelsURLWithItsKey() async throws {
        let environment = [
            "OPENAI_API_KEY": "sk-default-key-that-the-fake-rejects-000", "CHANNEL_BACKUP_BASE_URL": "{upstream}/v1",
            "CHANNEL_BACKUP_API_KEY": FakeOpenAIUpstream.apiKey,
        ]
        try await ProxyHarness.run(environment: environment) { harness in
            var request = try #require(Self.simpleRequest.objectValue)
            request["model"] = "openai/gpt-4o:Backup"
            let response = try await harness.post("/v1/messages", json: .object(request))
            #expect(response.status == 200)
            #expect(response.headers["x-proxy-upstream-model"] == "openai/gpt-4o:backup")
            #expect(harness.fake.receivedRequests.first?["model"] == "gpt-4o")
        }
    }

    @Test func invalidClientInputIsA400NamingTheProblemAndTheServerKeepsServing() async throws {
        try await ProxyHarness.run { harness in
            let notJSON = try await harness.send(.POST, "/v1/messages", body: Array("{\"model\": ".utf8))
            #expect(notJSON.status == 400)
            #expect(try error(notJSON).message.contains("not valid JSON"))

            var request = try #require(Self.simpleRequest.objectValue)
            request["max_tokens"] = "lots"
            let wrongType = try await harness.post("/v1/messages", json: .object(request))
            #expect(wrongType.status == 400)
            #expect(try error(wrongType).message.hasPrefix("max_tokens: must be an integer"))

            request["max_tokens"] = 100
            request["messages"] = [["role": "user", "content": [["type": "hologram"]]]]
            let badBlock = try await harness.post("/v1/messages", json: .object(request))
            #expect(try error(badBlock).message.hasPrefix("messages.0.content.0.type:"))

            let fine = try await harness.post("/v1/messages", json: Self.simpleRequest)
            #expect(fine.status == 200)
        }
    }

    @Test func unknownEndpointIsAnAnthropicNotFoundError() async throws {
        try await ProxyHarness.run { harness in
            let response = try await harness.send(.GET, "/v1/complete")
            #expect(response.status == 404)
            #expect(try error(response).type == "not_found_error")
        }
    }

    @Test func requestThatLoopedBackThroughTheProxyIsRefused() async throws {
        try await ProxyHarness.run { harness in
            let response = try await harness.post("/v1/messages", json: Self.simpleRequest, headers: ["x-anthropic-proxy-hop": "1"])
            #expect(response.status == 400)
            #expect(try error(response).message.contains("ANTHROPIC_BASE_URL"))
        }
    }
}
