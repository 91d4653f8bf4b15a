import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ProxyCore
import ProxyServer
import Testing

/// The real proxy on 127.0.0.1 in front of strict fake OpenAI and Gemini upstreams (and a fake
/// Anthropic), and a client for it.
struct ProxyHarness: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        var json: JSONValue {
            get throws { try JSONParser.parse(body) }
        }

        /// The body's server-sent events, as Anthropic stream events.
        var events: [AnthropicStreamEvent] {
            get throws {
                var parser = SSEParser()
                return try (parser.feed(body) + parser.finish()).map(AnthropicStreamEvent.init(sse:))
            }
        }

        /// The message the reply carries: a whole reply's, or a stream's events accumulated.
        var message: AnthropicMessage {
            get throws {
                guard headers["content-type"]?.hasPrefix("text/event-stream") == true else { return try AnthropicMessage(json: try json) }
                var accumulator = StreamAccumulator()
                for event in try events { try accumulator.consume(event) }
                return try #require(accumulator.finalMessage)
            }
        }
    }

    let proxyURL: String
    let upstreamURL: String
    let fake: FakeOpenAIUpstream
    let gemini: FakeGeminiUpstream
    let anthropic: FakeAnthropicUpstream
    /// OpenAI's Responses API, at `/v1/responses` on the same server.
    let responses: FakeResponsesUpstream
    /// The ready-made providers, under `/presets/<name>`.
    let presets: FakePresetUpstreams
    let client: HTTPClient
    /// Every line the proxy logged.
    let logs: RecordingLogHandler.Lines
    /// Every exchange's record, in the order the exchanges ended.
    let records: RecordingObserver

    /// Settings every harness starts from: the fakes as the OpenAI, Gemini and Anthropic upstreams.
    static func baseEnvironment(upstreamURL: String) -> [String: String] {
        [
            "OPENAI_API_KEY": FakeOpenAIUpstream.apiKey, "OPENAI_BASE_URL": upstreamURL + "/v1", "ANTHROPIC_BASE_URL": upstreamURL,
            "GEMINI_API_KEY": FakeGeminiUpstream.apiKey, "GEMINI_BASE_URL": upstreamURL + "/v1beta",
            "BIG_MODEL": "gpt-4.1", "SMALL_MODEL": "gpt-4.1-mini",
            // Translation tests read the requests as translated; the caches' own tests turn it on.
            "GEMINI_EXPLICIT_CACHE": "off",
        ]
    }

    /// Sonnet goes to gpt-4.1, with gpt-4o on the fake's `backup` channel as its fallback.
    static let fallbackEnvironment = [
        "BIG_MODEL": "gpt-4.1, openai/gpt-4o:backup", "CHANNEL_BACKUP_BASE_URL": "{upstream}/v1", "CHANNEL_BACKUP_API_KEY": FakeOpenAIUpstream.apiKey,
    ]

    /// Runs `body` with a fresh fake upstream and proxy. `environment` adds to or overrides the
    /// base settings (a value of "" removes one; `{upstream}` in a value is the fakes' URL).
    /// - Parameters:
    ///   - ledger: a usage ledger the proxy writes to (its service is not run: flush it).
    ///   - clientKeys: the client keys the proxy checks (not run either: refresh it).
    static func run<Result: Sendable>(
        environment: [String: String] = [:], ledger: UsageLedger? = nil, clientKeys: ClientKeyRegistry? = nil,
        _ body: (ProxyHarness) async throws -> Result
    ) async throws -> Result {
        let fake = FakeOpenAIUpstream()
        let gemini = FakeGeminiUpstream()
        let anthropic = FakeAnthropicUpstream()
        let responses = FakeResponsesUpstream()
        let presets = FakePresetUpstreams()
        let upstreamRouter = Router()
        fake.register(on: upstreamRouter)
        gemini.register(on: upstreamRouter)
        anthropic.register(on: upstreamRouter)
        responses.register(on: upstreamRouter)
        presets.register(on: upstreamRouter)
        // OpenAI and Anthropic both list models at GET /v1/models; Anthropic's clients send its headers.
        upstreamRouter.get("/v1/models") { request, _ in
            let anthropic = request.headers[HTTPField.Name("x-api-key")!] != nil || request.headers[HTTPField.Name("anthropic-version")!] != nil
            return anthropic ? FakeAnthropicUpstream.modelList(request) : FakeOpenAIUpstream.modelList(request)
        }
        // The test's own client, allowed as many connections as the tests run requests at once.
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        // Redirects are the proxy's answer to check (the dashboard's login), not to follow.
        clientConfiguration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        do {
            let result = try await withLiveApplication({ onRunning in
                Application(router: upstreamRouter, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning, logger: logger)
            }) { upstreamPort in
                let upstreamURL = "http://127.0.0.1:\(upstreamPort)"
                var settings = baseEnvironment(upstreamURL: upstreamURL).merging(environment) { $1 }
                    .mapValues { $0.replacing("{upstream}", with: upstreamURL) }
                settings = settings.filter { !$0.value.isEmpty }
                settings["PORT"] = "1"
                var configuration = try ProxyConfiguration(environment: settings)
                configuration.port = 0
                let logs = RecordingLogHandler.Lines()
                let records = RecordingObserver()
                var proxyLogger = Logger(label: "anthropic-proxy") { _ in RecordingLogHandler(lines: logs, logLevel: .info) }
                proxyLogger.logLevel = configuration.debug ? .debug : .info
                // The proxy's own upstream client, with the configured timeouts, as main.swift makes it.
                let upstreamClient = ProxyServer.makeHTTPClient(configuration: configuration)
                do {
                    let result = try await withLiveApplication({ onRunning in
                        ProxyServer.makeApplication(
                            configuration: configuration, httpClient: upstreamClient, logger: proxyLogger, observers: [records], ledger: ledger,
                            clientKeys: clientKeys, restSyncInterval: .milliseconds(100), onServerRunning: onRunning)
                    }) { proxyPort in
                        try await body(
                            ProxyHarness(
                                proxyURL: "http://127.0.0.1:\(proxyPort)", upstreamURL: upstreamURL, fake: fake, gemini: gemini, anthropic: anthropic,
                                responses: responses, presets: presets, client: client, logs: logs, records: records))
                    }
                    try await upstreamClient.shutdown()
                    return result
                } catch {
                    try? await upstreamClient.shutdown()
                    throw error
                }
            }
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// `body` sent whole, then streamed, each after `script` has queued the upstream's reply: the
    /// whole reply's JSON, the stream's events, and the message they build (checked against
    /// Anthropic's grammar on the way).
    func wholeAndStreamed(
        _ body: JSONValue, path: String = "/v1/messages?beta=true", script: () -> Void
    ) async throws -> (whole: JSONValue, streamed: AnthropicMessage, events: [AnthropicStreamEvent]) {
        var request = try #require(body.objectValue)
        request["stream"] = false
        script()
        let whole = try await post(path, json: .object(request))
        #expect(whole.status == 200, "\(String(decoding: whole.body, as: UTF8.self))")
        request["stream"] = true
        script()
        let streamed = try await post(path, json: .object(request))
        #expect(streamed.status == 200, "\(String(decoding: streamed.body, as: UTF8.self))")
        #expect(streamed.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        let events = try streamed.events
        var accumulator = StreamAccumulator()
        for event in events { try accumulator.consume(event) }
        return (try whole.json, try #require(accumulator.finalMessage), events)
    }

    /// How long a request may wait for its response's head before the test fails. Only a hang
    /// should reach it: a large body's work runs on the bulk threads below the event loops'
    /// priority, which in a debug build under the whole suite's load on 2 cores waited over 30 s.
    static let requestTimeout = TimeAmount.seconds(90)

    func send(
        _ method: HTTPMethod = .POST, _ path: String, body: [UInt8]? = nil, headers: [String: String] = [:], timeout: TimeAmount = requestTimeout
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: proxyURL + path)
        request.method = method
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: timeout)
        var buffer = try await response.body.collect(upTo: 64 << 20)
        var replyHeaders: [String: String] = [:]
        for (name, value) in response.headers { replyHeaders[name.lowercased()] = value }
        return Reply(status: Int(response.status.code), headers: replyHeaders, body: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    func post(_ path: String, json: JSONValue, headers: [String: String] = [:], timeout: TimeAmount = requestTimeout) async throws -> Reply {
        try await send(.POST, path, body: JSONWriter.encode(json), headers: headers, timeout: timeout)
    }
}

/// The body of a recorded Claude Code request, from the core tests' fixtures, as sent.
/// `request` with `stream: true`.
func streamed(_ request: JSONValue) -> JSONValue {
    var body = request.objectValue ?? [:]
    body["stream"] = true
    return .object(body)
}

func claudeCodeFixture(_ name: String) throws -> JSONValue {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ProxyCoreTests/Fixtures/\(name).json")
    let fixture = try JSONParser.parse(Array(try Data(contentsOf: url)))
    return try #require(fixture["body"])
}
