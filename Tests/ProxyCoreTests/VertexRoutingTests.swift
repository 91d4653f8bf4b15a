import ProxyCore
import Testing

/// Vertex AI targets: which names reach them, the URLs their requests go to, how they are
/// authorised, and what Vertex takes differently from the Gemini API.
@Suite struct VertexRoutingTests {
    private static let credentials = ["VERTEX_PROJECT": "my-project", "VERTEX_LOCATION": "europe-west4"]

    private func router(_ environment: [String: String]) throws -> ModelRouter {
        ModelRouter(configuration: try ProxyConfiguration(environment: environment))
    }

    private func refusal(_ router: ModelRouter, _ model: String) -> AnthropicError? {
        do {
            _ = try router.routes(model)
            return nil
        } catch {
            return error
        }
    }

    private static func request(_ json: String) throws -> MessagesRequest {
        try MessagesRequest(json: JSONParser.parse(json))
    }

    @Test func vertexPrefixedGeminiGoesToTheProjectsLocation() throws {
        let target = try router(Self.credentials).route("vertex/gemini-2.5-pro")
        #expect(target.provider == .gemini)
        #expect(target.vertex == .credentials(file: nil))
        #expect(target.baseURL == "https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/europe-west4")
        #expect(target.qualifiedModel == "vertex/gemini-2.5-pro")
        let adapter = GeminiAdapter(request: try Self.request(#"{"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}"#), target: target, catalog: ModelCatalog())
        #expect(adapter.url(stream: false) == target.baseURL + "/publishers/google/models/gemini-2.5-pro:generateContent")
        #expect(adapter.url(stream: true) == target.baseURL + "/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse")
        #expect(try adapter.countTokensRequest()?.url == target.baseURL + "/publishers/google/models/gemini-2.5-pro:countTokens")
        #expect(adapter.keyHeader("ya29.token") == ("authorization", "Bearer ya29.token"))
        #expect(try adapter.explicitCachePrefix() == nil)
    }

    @Test func theGlobalLocationHasNoRegionInItsHost() throws {
        let target = try router(["VERTEX_PROJECT": "p", "VERTEX_LOCATION": "global"]).route("vertex/gemini-3-pro-preview")
        #expect(target.baseURL == "https://aiplatform.googleapis.com/v1/projects/p/locations/global")
    }

    @Test func useVertexAuthSendsGeminiThereAsTheSeedDid() throws {
        let router = try router(Self.credentials.merging(["USE_VERTEX_AUTH": "true", "PREFERRED_PROVIDER": "google"]) { $1 })
        #expect(try router.route("gemini/gemini-2.5-flash").vertex == .credentials(file: nil))
        #expect(try router.route("sonnet").qualifiedModel == "vertex/gemini-2.5-pro")
        // Without it, gemini/ is the Gemini API's.
        #expect(try self.router(["GEMINI_API_KEY": "k"]).route("gemini/gemini-2.5-flash").vertex == nil)
    }

    @Test func expressModeKeysGoToTheGlobalEndpointWithoutAProject() throws {
        let target = try router(["VERTEX_API_KEY": "AQ.express-key"]).route("vertex/gemini-2.5-flash")
        #expect(target.vertex == .apiKey)
        #expect(target.apiKeys == ["AQ.express-key"])
        #expect(target.keyVariable == "VERTEX_API_KEY")
        #expect(target.baseURL == "https://aiplatform.googleapis.com/v1")
        let adapter = GeminiAdapter(request: try Self.request(#"{"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}"#), target: target, catalog: ModelCatalog())
        #expect(adapter.url(stream: false) == "https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-flash:generateContent")
        #expect(adapter.keyHeader("AQ.express-key") == ("x-goog-api-key", "AQ.express-key"))
    }

    @Test func withoutAProjectOrAKeyTheErrorSaysWhatToSet() throws {
        let error = try #require(refusal(try router([:]), "vertex/gemini-2.5-pro"))
        #expect(error.kind == .authentication)
        #expect(error.message == "Vertex AI needs a Google Cloud project: set VERTEX_PROJECT (with Google Cloud credentials), or VERTEX_API_KEY for express mode.")
    }

    @Test func aVertexChannelHasItsOwnProjectLocationAndCredentials() throws {
        let router = try router(Self.credentials.merging([
            "CHANNEL_EU_PROVIDER": "vertex", "CHANNEL_EU_PROJECT": "eu-project", "CHANNEL_EU_LOCATION": "europe-west1",
            "CHANNEL_EU_CREDENTIALS": "/keys/eu.json",
        ]) { $1 })
        let target = try router.route("vertex/gemini-2.5-pro:eu")
        #expect(target.baseURL == "https://europe-west1-aiplatform.googleapis.com/v1/projects/eu-project/locations/europe-west1")
        #expect(target.vertex == .credentials(file: "/keys/eu.json"))
        #expect(target.qualifiedModel == "vertex/gemini-2.5-pro:eu")
        // gemini/ through the same channel reaches it too.
        #expect(try router.route("gemini/gemini-2.5-pro:eu").vertex == .credentials(file: "/keys/eu.json"))
        let error = try #require(refusal(try self.router(Self.credentials.merging(["CHANNEL_LAB_BASE_URL": "https://lab.example.com/v1"]) { $1 }), "vertex/gemini-2.5-pro:lab"))
        #expect(error.message.contains("set CHANNEL_LAB_PROVIDER=vertex"))
    }

    @Test func aVertexChannelSettingIsReadFromTheFileToo() throws {
        let file = try ConfigurationFile(
            path: "proxy.yaml", text: "providers: {vertex: {project: p, location: us-east5}}\nchannels: {eu: {provider: vertex, location: europe-west4}}",
            variables: [:])
        let configuration = try ProxyConfiguration(settings: LayeredSettings(environment: [:], file: file))
        #expect(configuration.vertex.project == "p")
        #expect(configuration.channels["eu"]?.vertex?.location == "europe-west4")
        #expect(configuration.channels["eu"]?.vertex?.project == "p", "the channel's own settings default to VERTEX_*")
        #expect(throws: ConfigurationError.self) { try ProxyConfiguration(environment: ["VERTEX_LOCATION": "europe west4"]) }
    }

    @Test func claudeOnVertexSpeaksAnthropicsProtocolThroughRawPredict() throws {
        let target = try router(Self.credentials.merging(["VERTEX_LOCATION": "us-east5"]) { $1 }).route("vertex/claude-sonnet-4-5@20250929")
        #expect(target.provider == .anthropic)
        #expect(target.vertex == .credentials(file: nil))
        let resource = "https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5/publishers/anthropic/models"
        #expect(VertexAnthropic.url(target, countingTokens: false, stream: false) == resource + "/claude-sonnet-4-5@20250929:rawPredict")
        #expect(VertexAnthropic.url(target, countingTokens: false, stream: true) == resource + "/claude-sonnet-4-5@20250929:streamRawPredict")
        #expect(VertexAnthropic.url(target, countingTokens: true, stream: false) == resource + "/count-tokens:rawPredict")
        // Cache diagnostics are the Claude API's alone: Vertex is not sent them.
        let body = try JSONParser.parse(#"{"model": "claude-sonnet-4-6", "max_tokens": 10, "messages": [], "diagnostics": {"previous_message_id": null}}"#)
        #expect(try JSONParser.parse(VertexAnthropic.body(body, target: target, countingTokens: false)) == ["max_tokens": 10, "messages": [], "anthropic_version": "vertex-2023-10-16"])
        #expect(
            try JSONParser.parse(VertexAnthropic.body(body, target: target, countingTokens: true))
                == ["model": "claude-sonnet-4-5@20250929", "max_tokens": 10, "messages": [], "anthropic_version": "vertex-2023-10-16"])
        // Long strings written before are copied, not escaped again: the same bytes.
        let long: JSONValue = ["model": "m", "max_tokens": 10, "messages": [["role": "user", "content": .string(String(repeating: "line \"é\"\n", count: 400))]]]
        let strings = JSONStringEscapes()
        let plain = try VertexAnthropic.body(long, target: target, countingTokens: false)
        for _ in 0..<2 { #expect(try VertexAnthropic.body(long, target: target, countingTokens: false, reusing: strings) == plain) }
        #expect(strings.usage.strings == 1)
        let error = try #require(refusal(try router(["VERTEX_API_KEY": "k"]), "vertex/claude-sonnet-4-5@20250929"))
        #expect(error.message.contains("express mode (VERTEX_API_KEY) does not serve"))
    }

    @Test func vertexTakesExcludedDomainsAndNeverSearchBesideFunctions() throws {
        let json = #"""
            {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "news?"}],
             "tools": [{"type": "web_search_20250305", "name": "web_search", "blocked_domains": ["example.com"]},
                       {"name": "Read", "input_schema": {"type": "object"}}]}
            """#
        let request = try Self.request(json)
        let profile = ModelCatalog().profile(for: "gemini-3-pro-preview")
        let vertex = try GeminiRequestTranslator(model: "gemini-3-pro-preview", profile: profile, onVertex: true).translate(request)
        #expect(vertex["tools"] == [["googleSearch": ["excludeDomains": ["example.com"]]]], "Vertex refuses search beside function declarations")
        let gemini = try GeminiRequestTranslator(model: "gemini-3-pro-preview", profile: profile).translate(request)
        #expect(gemini["tools"]?.arrayValue?.count == 2, "the Gemini API takes both on Gemini 3")
        #expect(gemini["tools"]?.arrayValue?.contains { $0["googleSearch"] == [:] } == true, "and has no excluded domains")
    }

    @Test func aModelNotInTheLocationSaysToCheckTheLocation() throws {
        let target = try router(Self.credentials).route("vertex/gemini-3-pro-preview")
        let adapter = GeminiAdapter(request: try Self.request(#"{"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}"#), target: target, catalog: ModelCatalog())
        let body = JSONWriter.encode(["error": ["code": 404, "message": "Publisher Model `projects/my-project/locations/europe-west4/publishers/google/models/gemini-3-pro-preview` was not found or your project does not have access to it.", "status": "NOT_FOUND"]])
        let failure = adapter.failure(status: 404, body: body, headers: [:])
        #expect(failure.clientError.message.hasSuffix("check VERTEX_LOCATION."))
        let quota = JSONWriter.encode(["error": ["code": 429, "message": "Resource exhausted. Please try again later.", "status": "RESOURCE_EXHAUSTED"]])
        #expect(RetryPolicy.isRetryable(adapter.failure(status: 429, body: quota, headers: [:])))
    }
}
