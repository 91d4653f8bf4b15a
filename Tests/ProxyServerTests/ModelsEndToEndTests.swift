import ProxyCore
import Testing

/// Model discovery as Claude Code's `/model` picker and the SDKs' `models.list` read it.
@Suite struct ModelsEndToEndTests {
    @Test func theListHoldsClaudeNamesEachNamingItsTargetNewestFirst() async throws {
        try await ProxyHarness.run(environment: ["BIG_MODEL": "gpt-4.1", "SMALL_MODEL": "gemini/gemini-2.5-flash", "OPUS_MODEL": "openai/o3"]) { harness in
            let reply = try await harness.send(.GET, "/v1/models?limit=1000")
            #expect(reply.status == 200)
            let json = try reply.json
            let data = try #require(json["data"]?.arrayValue)
            #expect(data.allSatisfy { $0["id"]?.stringValue?.hasPrefix("claude") == true }, "the picker keeps only claude ids")
            #expect(data.map { $0["id"]?.stringValue ?? "" } == ClaudeModelName.known.map(\.id))
            #expect(
                data.first == [
                    "type": "model", "id": "claude-opus-5-5", "display_name": "Opus 5.5 → openai/o3", "created_at": "2026-09-24T00:00:00Z",
                    "max_input_tokens": 200_000, "max_tokens": 100_000, "lifecycle": "active", "deprecated_at": nil, "retires_at": nil, "line": "opus",
                    "capabilities": ServedCapabilities(thinks: true, readsImages: true, searchesTheWeb: true, structuredOutputs: true, anthropic: false).json,
                ], "the limits and capabilities are those of the model that answers")
            let sonnet = data.first { $0["id"] == "claude-sonnet-4-6" }?["capabilities"]
            #expect(sonnet?["thinking"]?["supported"] == false, "gpt-4.1 does not reason")
            #expect(sonnet?["server_tools"]?["web_search"]?["supported"] == true, "searched through the Responses API beside it")
            #expect(data.first { $0["id"] == "claude-haiku-5-5" }?["capabilities"]?["effort"]?["supported"] == true)
            #expect(data.first { $0["id"] == "claude-sonnet-4-6" }?["display_name"] == "Sonnet 4.6 → openai/gpt-4.1")
            #expect(data.first { $0["id"] == "claude-haiku-5-5" }?["display_name"] == "Haiku 5.5 → gemini/gemini-2.5-flash")
            #expect(data.first { $0["id"] == "claude-haiku-5-5" }?["max_input_tokens"] == 1_048_576)
            #expect(json["has_more"] == false)
            #expect(json["first_id"] == "claude-opus-5-5")
            #expect(json["last_id"] == data.last?["id"])
        }
    }

    @Test func pagesFollowAnthropicsCursors() async throws {
        try await ProxyHarness.run { harness in
            let first = try await harness.send(.GET, "/v1/models?limit=2").json
            #expect(first["data"]?.arrayValue?.map { $0["id"] } == ["claude-opus-5-5", "claude-sonnet-5-5"])
            #expect(first["has_more"] == true)
            let second = try await harness.send(.GET, "/v1/models?limit=2&after_id=claude-sonnet-5-5").json
            #expect(second["data"]?.arrayValue?.map { $0["id"] } == ["claude-haiku-5-5", "claude-opus-4-6"])
            let back = try await harness.send(.GET, "/v1/models?limit=1&before_id=claude-haiku-5-5").json
            #expect(back["data"]?.arrayValue?.map { $0["id"] } == ["claude-sonnet-5-5"])
            let bad = try await harness.send(.GET, "/v1/models?limit=0")
            #expect(bad.status == 400)
            #expect(try bad.json["error"]?["type"] == "invalid_request_error")
        }
    }

    @Test func oneModelByIDOrAliasOrA404() async throws {
        try await ProxyHarness.run { harness in
            let model = try await harness.send(.GET, "/v1/models/claude-sonnet-4-6")
            #expect(model.status == 200)
            #expect(try model.json["display_name"] == "Sonnet 4.6 → openai/gpt-4.1")
            let byAlias = try await harness.send(.GET, "/v1/models/claude-sonnet-4-5")
            #expect(byAlias.status == 200)
            #expect(try byAlias.json["id"] == "claude-sonnet-4-5-20250929", "an alias answers with the dated model, as Anthropic's does")
            let missing = try await harness.send(.GET, "/v1/models/gpt-4.1")
            #expect(missing.status == 404)
            #expect(try missing.json["error"]?["type"] == "not_found_error")
        }
    }

    /// HEAD, as HTTP asks it: what GET answers, without the body.
    @Test func headAnswersAsGetWithoutTheBody() async throws {
        try await ProxyHarness.run { harness in
            for path in ["/v1/models", "/v1/models/claude-sonnet-4-6", "/health", "/api/hello"] {
                let head = try await harness.send(.HEAD, path)
                let get = try await harness.send(.GET, path)
                #expect(head.status == 200, "\(path)")
                #expect(head.body.isEmpty, "\(path)")
                #expect(head.headers["content-type"] == get.headers["content-type"], "\(path)")
            }
            #expect(try await harness.send(.HEAD, "/v1/models/gpt-4.1").status == 404)
        }
    }

    @Test func namesThatRouteNowhereAreLeftOut() async throws {
        try await ProxyHarness.run(environment: ["OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "BIG_MODEL": "gemini/gemini-2.5-pro", "SMALL_MODEL": "gpt-4.1-mini", "OPUS_MODEL": ""]) { harness in
            let data = try #require(try await harness.send(.GET, "/v1/models?limit=1000").json["data"]?.arrayValue)
            #expect(!data.isEmpty)
            #expect(data.allSatisfy { $0["id"]?.stringValue?.contains("haiku") == false }, "haiku maps to OpenAI itself, with no key")
        }
    }
}
