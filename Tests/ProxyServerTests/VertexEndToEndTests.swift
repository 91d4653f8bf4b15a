import ProxyCore
import Testing

/// Gemini on Vertex AI through the real server, against a fake Vertex that is strict the way Vertex
/// is: its own paths, its own credentials, and no Google Search beside function declarations.
@Suite struct VertexEndToEndTests {
    static let express = ["VERTEX_API_KEY": FakeGeminiUpstream.vertexAPIKey, "VERTEX_BASE_URL": "{upstream}/v1"]

    private static let hello: JSONValue = [
        "model": "vertex/gemini-2.5-flash", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]],
    ]

    @Test(arguments: [false, true])
    func expressModeServesWithItsKeyAtTheGlobalEndpoint(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.express) { harness in
            let reply = try await harness.post("/v1/messages", json: stream ? streamed(Self.hello) : Self.hello)
            #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            #expect(reply.headers["x-proxy-upstream-model"] == "vertex/gemini-2.5-flash")
            #expect(try reply.message.content == [.text(FakeGeminiReply.defaultText)])
            #expect(harness.gemini.receivedRequests.map(\.door) == [.vertexExpress])
            #expect(try await harness.records.waitFor(1).first?.target?.qualifiedModel == "vertex/gemini-2.5-flash")
        }
    }

    @Test func aSearchBesideToolsIsSentAloneWithItsExcludedDomains() async throws {
        try await ProxyHarness.run(environment: Self.express) { harness in
            harness.gemini.enqueue(GeminiWebSearchEndToEndTests.searchedReply)
            var body = try #require(Self.hello.objectValue)
            body["model"] = "vertex/gemini-3-pro-preview"
            body["tools"] = [
                ["type": "web_search_20250305", "name": "web_search", "blocked_domains": ["example.com"]],
                ["name": "Read", "description": "Reads a file", "input_schema": ["type": "object", "properties": ["path": ["type": "string"]]]],
            ]
            let reply = try await harness.post("/v1/messages", json: .object(body))
            #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            #expect(harness.gemini.generateRequests.first?["tools"] == [["googleSearch": ["excludeDomains": ["example.com"]]]])
        }
    }
}
