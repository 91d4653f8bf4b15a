import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import ProxyCore
import ProxyServer
import ServiceLifecycle
import Testing

/// SIGTERM or SIGINT (here: the service group's graceful shutdown, which they trigger): streams in
/// flight finish within the grace period, and one that cannot gets an error event, not a cut.
@Suite struct GracefulShutdownEndToEndTests {
    static let streamedRequest: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 1000, "stream": true, "messages": [["role": "user", "content": "go"]]]

    /// Starts the proxy in a service group with a grace period of `graceSeconds` in front of a fake
    /// upstream scripted with `replies`, runs `body`, and stops everything.
    private func withProxy(replies: [FakeReply], graceSeconds: Int, _ body: (_ proxyURL: String, _ group: ServiceGroup) async throws -> Void) async throws {
        try await withFakeOpenAIUpstream { fake, upstreamURL in
            fake.enqueue(contentsOf: replies)
            let configuration = try ProxyConfiguration(
                environment: ProxyHarness.baseEnvironment(upstreamURL: upstreamURL).merging(["SHUTDOWN_GRACE_SECONDS": String(graceSeconds)]) { $1 })
            try await withProxyInServiceGroup(configuration: configuration, body)
        }
    }

    /// Sends a streamed request; returns once the response head has arrived.
    private func startStream(proxyURL: String, timeout: TimeAmount = .seconds(30)) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: proxyURL + "/v1/messages")
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(Self.streamedRequest)))
        return try await HTTPClient.shared.execute(request, timeout: timeout)
    }

    /// Every event of a stream, read to its end.
    private func events(_ response: HTTPClientResponse) async throws -> [AnthropicStreamEvent] {
        var parser = SSEParser()
        var events: [AnthropicStreamEvent] = []
        for try await chunk in response.body {
            events += try parser.feed(chunk.readableBytesView).map(AnthropicStreamEvent.init(sse:))
        }
        return events + (try parser.finish().map(AnthropicStreamEvent.init(sse:)))
    }

    /// The stream needs about half a second; the grace period is generous so that a loaded machine
    /// (the whole suite runs in parallel) cannot outlast it.
    @Test func streamThatFinishesWithinTheGracePeriodCompletes() async throws {
        var reply = FakeReply(text: String(repeating: "word ", count: 8))
        reply.pauseBetweenChunks = .milliseconds(40)
        try await withProxy(replies: [reply], graceSeconds: 60) { proxyURL, group in
            let response = try await startStream(proxyURL: proxyURL)
            await group.triggerGracefulShutdown()
            let events = try await events(response)
            #expect(events.last == .messageStop)
            var accumulator = StreamAccumulator()
            for event in events { try accumulator.consume(event) }
            #expect(accumulator.finalMessage?.content == [.text(reply.text)])
        }
    }

    /// The stream needs at least 8 s, and a loaded machine only makes it longer.
    @Test func streamStillRunningWhenTheGracePeriodEndsGetsAnOverloadedError() async throws {
        var reply = FakeReply(text: String(repeating: "word ", count: 200))
        reply.pauseBetweenChunks = .milliseconds(40)
        try await withProxy(replies: [reply], graceSeconds: 3) { proxyURL, group in
            let response = try await startStream(proxyURL: proxyURL)
            await group.triggerGracefulShutdown()
            let events = try await events(response)
            #expect(!events.contains(.messageStop))
            guard case .error(let error)? = events.last else {
                Issue.record("the stream must end with an error event, not be cut: \(events.suffix(3))")
                return
            }
            #expect(error.kind == .overloaded)
            #expect(error.message.contains("SHUTDOWN_GRACE_SECONDS"))
            // No new requests are taken once shutting down (the client keeps retrying the refused
            // connection until its deadline).
            await #expect(throws: (any Error).self) { _ = try await startStream(proxyURL: proxyURL, timeout: .seconds(2)) }
        }
    }
}
