import ProxyCore
import Testing

/// Each ready-made provider's request goes to its URL, with its key in its header, without the
/// parameters it rejects; the fakes answer 400 to anything their provider would.
@Suite struct ProviderPresetEndToEndTests {
    /// Every preset moved onto the fake server, with the keys its fake accepts.
    static let environment: [String: String] = [
        "OPENROUTER_BASE_URL": "{upstream}/presets/openrouter", "OPENROUTER_API_KEY": "sk-or-fake",
        "DEEPSEEK_BASE_URL": "{upstream}/presets/deepseek", "DEEPSEEK_API_KEY": "sk-ds-fake",
        "GROQ_BASE_URL": "{upstream}/presets/groq", "GROQ_API_KEY": "gsk-fake",
        "XAI_BASE_URL": "{upstream}/presets/xai", "XAI_API_KEY": "xai-fake",
        "OLLAMA_BASE_URL": "{upstream}/presets/ollama",
        "LMSTUDIO_BASE_URL": "{upstream}/presets/lmstudio",
        "VLLM_BASE_URL": "{upstream}/presets/vllm", "VLLM_API_KEY": "vllm-fake",
        "AZURE_API_BASE": "{upstream}/presets/azure", "AZURE_API_KEY": "az-fake", "AZURE_API_VERSION": "2024-10-21",
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var model: String
        var path: String
        /// The key header the request must carry (name and value), or none.
        var keyHeader: (name: String, value: String)?
        var testDescription: String { model }
    }

    static let cases: [Case] = [
        Case(model: "openrouter/openai/o3", path: "/presets/openrouter/chat/completions", keyHeader: ("authorization", "Bearer sk-or-fake")),
        Case(model: "deepseek/deepseek-chat", path: "/presets/deepseek/chat/completions", keyHeader: ("authorization", "Bearer sk-ds-fake")),
        Case(model: "groq/llama-3.3-70b-versatile", path: "/presets/groq/chat/completions", keyHeader: ("authorization", "Bearer gsk-fake")),
        Case(model: "xai/grok-4", path: "/presets/xai/chat/completions", keyHeader: ("authorization", "Bearer xai-fake")),
        Case(model: "ollama/qwen3-coder:30b", path: "/presets/ollama/chat/completions", keyHeader: nil),
        Case(model: "lmstudio/qwen2.5-coder-7b", path: "/presets/lmstudio/chat/completions", keyHeader: nil),
        Case(model: "vllm/Qwen/Qwen3-Coder-30B", path: "/presets/vllm/chat/completions", keyHeader: ("authorization", "Bearer vllm-fake")),
        Case(model: "azure/my-gpt-4o", path: "/presets/azure/openai/deployments/my-gpt-4o/chat/completions?api-version=2024-10-21", keyHeader: ("api-key", "az-fake")),
    ]

    /// Claude Code's settings plus stop sequences: what some providers reject must not reach them.
    static func request(_ model: String, stream: Bool) -> JSONValue {
        [
            "model": .string(model), "max_tokens": 128_000, "stream": .bool(stream), "thinking": ["type": "adaptive"], "output_config": ["effort": "high"],
            "stop_sequences": ["\n\nHuman:"], "tools": [["name": "Bash", "input_schema": ["type": "object", "properties": ["command": ["type": "string"]]]]],
            "messages": [["role": "user", "content": "hi"]],
        ]
    }

    @Test(arguments: cases)
    func presetRequestsReachTheirProviderWithTheirKeyAndWithoutWhatItRejects(preset: Case) async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            for stream in [false, true] {
                let reply = try await harness.post("/v1/messages", json: Self.request(preset.model, stream: stream))
                #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
                #expect(reply.headers["x-proxy-upstream-model"] == preset.model)
                let message = stream ? try accumulated(reply) : try AnthropicMessage(json: try reply.json)
                #expect(message.content == [.text(FakeReply.defaultText)])
            }
            let received = harness.presets.received
            #expect(received.count == 2)
            for request in received {
                #expect(request.uri == preset.path)
                let sentKeys = ["authorization", "api-key"].filter { request.headers[$0] != nil }
                #expect(sentKeys == (preset.keyHeader.map { [$0.name] } ?? []))
                if let header = preset.keyHeader { #expect(request.headers[header.name] == header.value) }
            }
            #expect(harness.fake.receivedRequests.isEmpty, "nothing went to OpenAI")
        }
    }

    private func accumulated(_ reply: ProxyHarness.Reply) throws -> AnthropicMessage {
        var accumulator = StreamAccumulator()
        for event in try reply.events { try accumulator.consume(event) }
        return try #require(accumulator.finalMessage)
    }

    @Test func whatEachProviderRejectsIsLeftOutAndOutputIsClampedToItsCeiling() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            for model in ["xai/grok-4", "groq/llama-3.3-70b-versatile", "deepseek/deepseek-chat", "openrouter/openai/o3", "azure/o3"] {
                let reply = try await harness.post("/v1/messages", json: Self.request(model, stream: false))
                #expect(reply.status == 200, "\(model): \(String(decoding: reply.body, as: UTF8.self))")
            }
            let bodies = Dictionary(uniqueKeysWithValues: harness.presets.received.map { ($0.body["model"]?.stringValue ?? "", $0.body) })
            #expect(bodies["grok-4"]?["stop"] == nil)
            #expect(bodies["grok-4"]?["reasoning_effort"] == nil)
            #expect(bodies["llama-3.3-70b-versatile"]?["reasoning_effort"] == nil)
            #expect(bodies["llama-3.3-70b-versatile"]?["stop"] == ["\n\nHuman:"])
            #expect(bodies["deepseek-chat"]?["max_tokens"] == 8_192)
            // OpenRouter and Azure take OpenAI's reasoning parameters.
            #expect(bodies["openai/o3"]?["reasoning_effort"] == "high")
            #expect(bodies["openai/o3"]?["max_completion_tokens"] == 100_000)
            #expect(bodies["o3"]?["reasoning_effort"] == "high")
        }
    }

    /// DeepSeek's thinking model wants the reasoning of a turn that called tools back: it comes
    /// back from the thinking block the client kept. A turn that has none (its thinking cleared,
    /// or written by another model) sends the field empty rather than without it, which DeepSeek refuses.
    @Test func deepSeekGetsItsReasoningBackAfterAToolCall() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            harness.presets.enqueue(
                FakeReply(reasoning: "I should list the files.", toolCalls: [.init(id: "call_1", name: "Bash", arguments: #"{"command":"ls"}"#)]))
            let tools: JSONValue = [["name": "Bash", "input_schema": ["type": "object"]]]
            let first = try await harness.post(
                "/v1/messages", json: ["model": "deepseek/deepseek-reasoner", "max_tokens": 1_000, "tools": tools, "messages": [["role": "user", "content": "ls?"]]])
            let content = try #require(try first.json["content"])
            #expect(content[0] == ["type": "thinking", "thinking": "I should list the files.", "signature": ""])
            func next(_ assistant: JSONValue) async throws -> ProxyHarness.Reply {
                try await harness.post(
                    "/v1/messages",
                    json: [
                        "model": "deepseek/deepseek-reasoner", "max_tokens": 1_000, "tools": tools,
                        "messages": [
                            ["role": "user", "content": "ls?"], ["role": "assistant", "content": assistant],
                            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "call_1", "content": "a.txt"]]],
                        ],
                    ])
            }
            let second = try await next(content)
            #expect(second.status == 200, "\(String(decoding: second.body, as: UTF8.self))")
            #expect(harness.presets.received.last?.body["messages"]?[1]?["reasoning_content"] == "I should list the files.")
            let stripped = try await next(.array(content.arrayValue?.filter { $0["type"] != "thinking" } ?? []))
            #expect(stripped.status == 200, "\(String(decoding: stripped.body, as: UTF8.self))")
            #expect(harness.presets.received.last?.body["messages"]?[1]?["reasoning_content"] == "")
        }
    }

    /// As Claude Code asks (thinking omitted, with estimated thinking tokens): the stream's thinking
    /// block shows no text but estimates, and DeepSeek still gets its reasoning back next turn, from
    /// the block's signature.
    @Test func deepSeekGetsItsReasoningBackWhenTheClientHadThinkingOmitted() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let reasoning = String(repeating: "I should list the files. ", count: 20)
            harness.presets.enqueue(FakeReply(reasoning: reasoning, toolCalls: [.init(id: "call_1", name: "Bash", arguments: #"{"command":"ls"}"#)]))
            harness.presets.enqueue(FakeReply(text: "a.txt is there."))
            let tools: JSONValue = [["name": "Bash", "input_schema": ["type": "object"]]]
            func turn(_ messages: JSONValue) async throws -> ProxyHarness.Reply {
                try await harness.post(
                    "/v1/messages",
                    json: [
                        "model": "deepseek/deepseek-reasoner", "max_tokens": 1_000, "stream": true, "tools": tools,
                        "thinking": ["type": "adaptive", "display": "omitted"], "messages": messages,
                    ],
                    headers: ["anthropic-beta": "claude-code-20250219,thinking-token-count-2026-05-13"])
            }
            let question: JSONValue = ["role": "user", "content": "ls?"]
            let first = try await turn([question])
            let thinking = try first.events.compactMap { event -> AnthropicStreamEvent.Delta? in
                guard case .contentBlockDelta(0, let delta) = event else { return nil }
                return delta
            }
            #expect(!thinking.contains { if case .thinking = $0 { true } else { false } }, "no thinking text reaches the client")
            let estimated = thinking.reduce(0) { if case .thinkingEstimate(let tokens) = $1 { $0 + tokens } else { $0 } }
            #expect(estimated == (reasoning.utf8.count + 3) / 4 / 32 * 32)
            let content = try first.message.content
            #expect(content.first == .thinking("", signature: "openai-chat-reasoning:" + reasoning))
            let second = try await turn([
                question, ["role": "assistant", "content": .array(content.map(\.json))],
                ["role": "user", "content": [["type": "tool_result", "tool_use_id": "call_1", "content": "a.txt"]]],
            ])
            #expect(second.status == 200, "\(String(decoding: second.body, as: UTF8.self))")
            #expect(harness.presets.received.last?.body["messages"]?[1]?["reasoning_content"] == .string(reasoning))
        }
    }

    @Test func aChannelNamingAPresetUsesItsKeyAndQuirks() async throws {
        let environment = ["CHANNEL_FAST_PROVIDER": "xai", "CHANNEL_FAST_BASE_URL": "{upstream}/presets/xai", "XAI_API_KEY": "xai-fake"]
        try await ProxyHarness.run(environment: environment) { harness in
            let reply = try await harness.post("/v1/messages", json: Self.request("openai/grok-4:fast", stream: false))
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            #expect(reply.headers["x-proxy-upstream-model"] == "openai/grok-4:fast")
            #expect(harness.presets.received.first?.headers["authorization"] == "Bearer xai-fake")
            #expect(harness.presets.received.first?.body["stop"] == nil)
        }
    }

    @Test func aHostedPresetWithoutItsKeyIsA401NamingTheVariable() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post("/v1/messages", json: Self.request("groq/llama-3.3-70b-versatile", stream: false))
            #expect(reply.status == 401)
            #expect(try reply.json["error"]?["message"] == "No API key for Groq (model 'llama-3.3-70b-versatile'): set GROQ_API_KEY.")
            #expect(harness.presets.received.isEmpty)
        }
    }

    @Test func aRejectedPresetKeyIsNamedInTheError() async throws {
        try await ProxyHarness.run(environment: Self.environment.merging(["DEEPSEEK_API_KEY": "sk-wrong"]) { $1 }) { harness in
            let reply = try await harness.post("/v1/messages", json: Self.request("deepseek/deepseek-chat", stream: false))
            #expect(reply.status == 401)
            #expect(try reply.json["error"]?["message"]?.stringValue?.hasSuffix("Check DEEPSEEK_API_KEY.") == true)
        }
    }
}
