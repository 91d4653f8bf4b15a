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

    /// Vertex AI with a service account key file whose token endpoint is a strict fake, the fakes
    /// taking the tokens it issues.
    private func withServiceAccount(
        _ environment: [String: String] = [:], _ body: (ProxyHarness, FakeGoogleTokenEndpoint, String) async throws -> Void
    ) async throws {
        try await withFakeGoogleTokenEndpoint(now: { UTCTime.now }) { tokens, tokenURL in
            let folder = try TemporaryDirectory()
            try folder.write("key.json", FakeGoogleTokenEndpoint.serviceAccountFile(tokenURI: tokenURL + "/token"))
            let settings = [
                "VERTEX_PROJECT": "test-project", "VERTEX_BASE_URL": "{upstream}/v1", "GOOGLE_APPLICATION_CREDENTIALS": folder.path + "/key.json",
                "VERTEX_LOCATION": "us-east5",
            ]
            try await ProxyHarness.run(environment: settings.merging(environment) { $1 }) { harness in
                for number in 1...3 {
                    harness.gemini.acceptAccessToken("ya29.fake-\(number)")
                    harness.anthropic.acceptAccessToken("ya29.fake-\(number)")
                }
                try await body(harness, tokens, folder.path + "/key.json")
            }
        }
    }

    @Test(arguments: [false, true])
    func aServiceAccountsTokenServesGeminiAndIsFetchedOnce(stream: Bool) async throws {
        try await withServiceAccount { harness, tokens, _ in
            for _ in 0..<3 {
                let reply = try await harness.post("/v1/messages", json: stream ? streamed(Self.hello) : Self.hello)
                #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            }
            #expect(tokens.requests == 1, "one token for the session, cached")
            #expect(harness.gemini.receivedRequests.map(\.door) == Array(repeating: .vertexProject(project: "test-project", location: "us-east5"), count: 3))
        }
    }

    @Test(arguments: [false, true])
    func claudeOnVertexGoesThroughRawPredict(stream: Bool) async throws {
        try await withServiceAccount { harness, _, _ in
            var body = try #require(Self.hello.objectValue)
            body["model"] = "vertex/claude-sonnet-4-5@20250929"
            body["stream"] = .bool(stream)
            let reply = try await harness.post("/v1/messages", json: .object(body))
            #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            let message = try reply.message
            #expect(message.model == "vertex/claude-sonnet-4-5@20250929", "the client's name for the model comes back")
            #expect(message.content == [.text("Hi from claude-sonnet-4-5@20250929")])
            let sent = try #require(harness.anthropic.requests.first)
            #expect(sent.path == "/v1/projects/test-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:\(stream ? "streamRawPredict" : "rawPredict")")
            #expect(sent.headers["x-api-key"] == nil && sent.headers["anthropic-version"] == nil)
            let counted = try await harness.post("/v1/messages/count_tokens", json: ["model": "vertex/claude-sonnet-4-5@20250929", "messages": [["role": "user", "content": "hi"]]])
            #expect(try counted.json["input_tokens"] == 4242)
        }
    }

    @Test func refusedCredentialsAre401sNamingTheFileAndNothingSecret() async throws {
        try await withServiceAccount { harness, tokens, path in
            tokens.answer(.refuse)
            let reply = try await harness.post("/v1/messages", json: Self.hello)
            #expect(reply.status == 401)
            let error = try reply.json["error"]
            #expect(error?["type"] == "authentication_error")
            let message = try #require(error?["message"]?.stringValue)
            #expect(message.contains("GOOGLE_APPLICATION_CREDENTIALS (\(path))"), "\(message)")
            #expect(!message.contains("PRIVATE KEY") && !message.contains("eyJ"), "no key, no assertion: \(message)")
            #expect(harness.gemini.receivedRequests.isEmpty)
            // The next request tries again, and is served once the credentials are good.
            tokens.answer(.issue(expiresIn: 3600))
            #expect(try await harness.post("/v1/messages", json: Self.hello).status == 200)
        }
    }

    @Test func aTokenVertexRefusesIsReplacedForTheNextRequest() async throws {
        try await withServiceAccount { harness, tokens, _ in
            #expect(try await harness.post("/v1/messages", json: Self.hello).status == 200)
            harness.gemini.revokeAccessToken("ya29.fake-1")
            let refused = try await harness.post("/v1/messages", json: Self.hello)
            #expect(refused.status == 401)
            let served = try await harness.post("/v1/messages", json: Self.hello)
            #expect(served.status == 200, "a new token, not the refused one until its expiry")
            #expect(tokens.requests == 2)
        }
    }

    @Test func aCredentialsFileThatCannotBeReadSaysSo() async throws {
        try await ProxyHarness.run(environment: ["VERTEX_PROJECT": "p", "VERTEX_BASE_URL": "{upstream}/v1", "GOOGLE_APPLICATION_CREDENTIALS": "/nowhere/key.json"]) { harness in
            let reply = try await harness.post("/v1/messages", json: Self.hello)
            #expect(reply.status == 401)
            let message = try #require(try reply.json["error"]?["message"]?.stringValue)
            #expect(message.hasPrefix("Google Cloud credentials for Vertex AI: GOOGLE_APPLICATION_CREDENTIALS (/nowhere/key.json): no such file"), "\(message)")
        }
    }
}
