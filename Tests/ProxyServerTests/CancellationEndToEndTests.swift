import AsyncHTTPClient
import NIOCore
import ProxyCore
import Testing

/// A client that leaves mid-stream must not leave the upstream generating tokens nobody reads.
@Suite struct CancellationEndToEndTests {
    @Test func clientLeavingMidStreamClosesTheUpstreamStream() async throws {
        try await ProxyHarness.run { harness in
            var reply = FakeReply(text: String(repeating: "token ", count: 400))
            reply.pauseBetweenChunks = .milliseconds(20)
            harness.fake.enqueue(reply)
            var request = HTTPClientRequest(url: harness.proxyURL + "/v1/messages")
            request.method = .POST
            request.body = .bytes(
                ByteBuffer(bytes: JSONWriter.encode(["model": "claude-sonnet-4-6", "max_tokens": 1000, "stream": true, "messages": [["role": "user", "content": "go"]]])))
            let reading = Task {
                let response = try await harness.client.execute(request, timeout: .seconds(30))
                var received = 0
                for try await chunk in response.body {
                    received += chunk.readableBytes
                    if received > 2_000 { return received }
                }
                return received
            }
            // Leave once a few events have arrived: dropping the body cancels the request.
            let received = try await reading.value
            #expect(received > 2_000)
            // The fake notices on its next write; the stream would otherwise run for 8 more seconds.
            var waited = 0
            while harness.fake.abandonedStreams == 0, waited < 100 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(harness.fake.abandonedStreams == 1)
        }
    }
}

/// The exchange is cancelled when its client leaves even before any byte of the reply exists, and
/// connections are kept for the client's next request.
@Suite struct ClientConnectionEndToEndTests {
    static let request: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]

    @Test(arguments: [false, true])
    func clientLeavingWhileTheUpstreamIsSilentCancelsTheUpstreamRequest(stream: Bool) async throws {
        try await ProxyHarness.run { harness in
            var silent = FakeReply()
            silent.delayBeforeHead = .seconds(60)
            harness.fake.enqueue(silent)
            var body = try #require(Self.request.objectValue)
            body["stream"] = .bool(stream)
            let waiting = Task { try await harness.post("/v1/messages", json: .object(body)) }
            while harness.fake.receivedRequests.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            waiting.cancel()
            // The proxy logs the request as soon as it gives up on it, long before the upstream's minute.
            var polls = 0
            while !harness.logs.all.contains(where: { $0.contains("POST /v1/messages") }), polls < 250 {
                try await Task.sleep(for: .milliseconds(20))
                polls += 1
            }
            let line = try #require(harness.logs.all.first { $0.contains("POST /v1/messages") })
            #expect(line.contains("cancelled"), "\(line)")
        }
    }

    @Test func connectionsAreKeptAliveBetweenRequests() async throws {
        try await ProxyHarness.run { harness in
            let first = try await harness.post("/v1/messages", json: Self.request)
            let second = try await harness.post("/v1/messages", json: Self.request)
            #expect(first.status == 200 && second.status == 200)
            #expect(first.headers["connection"] == nil && second.headers["connection"] == nil)
        }
    }
}
