import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import ProxyCore
import ProxyServer
import Testing

/// A configuration swapped in while the proxy runs: the next request takes it, a request in flight
/// finishes on the one it started with, and a secret of either is never logged.
@Suite struct ConfigurationSwapEndToEndTests {
    static let request: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]

    /// The proxy on a `LiveConfiguration` in front of the fake OpenAI upstream.
    private func withLiveProxy(
        _ environment: [String: String], _ body: (_ proxyURL: String, _ live: LiveConfiguration, _ fake: FakeOpenAIUpstream, _ logs: RecordingLogHandler.Lines) async throws -> Void
    ) async throws {
        try await withFakeOpenAIUpstream { fake, upstreamURL in
            func configuration(_ overrides: [String: String]) throws -> ProxyConfiguration {
                var configuration = try ProxyConfiguration(
                    environment: ProxyHarness.baseEnvironment(upstreamURL: upstreamURL).merging(overrides) { $1 }.mapValues { $0.replacing("{upstream}", with: upstreamURL) })
                configuration.port = 0
                return configuration
            }
            let initial = try configuration(environment)
            let httpClient = ProxyServer.makeHTTPClient(configuration: initial)
            let live = LiveConfiguration(configuration: initial, httpClient: httpClient)
            let logs = RecordingLogHandler.Lines()
            let logger = Logger(label: "anthropic-proxy") { _ in RecordingLogHandler(lines: logs, logLevel: .info) }
            do {
                try await withLiveApplication({ onRunning in ProxyServer.makeApplication(live: live, logger: logger, onServerRunning: onRunning) }) { port in
                    try await body("http://127.0.0.1:\(port)", live, fake, logs)
                }
                try await httpClient.shutdown()
            } catch {
                try? await httpClient.shutdown()
                throw error
            }
        }
    }

    @Test func aStreamInFlightKeepsItsTargetWhileTheNextRequestTakesTheNewOne() async throws {
        try await withLiveProxy([:]) { proxyURL, live, fake, _ in
            var slow = FakeReply(text: String(repeating: "token ", count: 40))
            slow.pauseBetweenChunks = .milliseconds(25)
            fake.enqueue(slow)
            var streamed = Self.request.objectValue!
            streamed["stream"] = true
            var request = HTTPClientRequest(url: proxyURL + "/v1/messages")
            request.method = .POST
            request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(.object(streamed))))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.headers.first(name: "x-proxy-upstream-model") == "openai/gpt-4.1")
            var body = response.body.makeAsyncIterator()
            _ = try await body.next()

            var changed = live.configuration
            changed.bigModel = "gpt-4o"
            live.apply(changed)

            var next = HTTPClientRequest(url: proxyURL + "/v1/messages")
            next.method = .POST
            next.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(Self.request)))
            let nextResponse = try await HTTPClient.shared.execute(next, timeout: .seconds(30))
            #expect(nextResponse.headers.first(name: "x-proxy-upstream-model") == "openai/gpt-4o")
            _ = try await nextResponse.body.collect(upTo: 1 << 20)

            var rest: [UInt8] = []
            while let chunk = try await body.next() { rest += chunk.readableBytesView }
            let text = String(decoding: rest, as: UTF8.self)
            #expect(text.contains("event: message_stop"), "the stream in flight finished on its own target")
            #expect(fake.receivedRequests.map { $0["model"] } == ["gpt-4.1", "gpt-4o"])
        }
    }

    @Test func aSecretRemovedByAReloadIsStillRedacted() async throws {
        let oldKey = "old-proxy-key-0123456789"  // not key-shaped: only the earlier configuration knows it
        try await withLiveProxy(["PROXY_API_KEY": oldKey]) { proxyURL, live, _, logs in
            var changed = live.configuration
            changed.proxyAPIKey = "new-proxy-key-9876543210"
            live.apply(changed)
            // The old key no longer opens the door, and the model named after it is logged redacted.
            var request = HTTPClientRequest(url: proxyURL + "/v1/messages")
            request.method = .POST
            request.headers.add(name: "x-api-key", value: "new-proxy-key-9876543210")
            request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(["model": .string("x-\(oldKey)"), "max_tokens": 10, "messages": [["role": "user", "content": "hi"]]])))
            _ = try await HTTPClient.shared.execute(request, timeout: .seconds(30)).body.collect(upTo: 1 << 20)
            var refused = HTTPClientRequest(url: proxyURL + "/v1/messages")
            refused.method = .POST
            refused.headers.add(name: "x-api-key", value: oldKey)
            refused.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(Self.request)))
            #expect(try await HTTPClient.shared.execute(refused, timeout: .seconds(30)).status == .unauthorized)
            let all = logs.all.joined(separator: "\n")
            #expect(all.contains("x-[REDACTED]"))
            #expect(!all.contains(oldKey))
        }
    }
}
