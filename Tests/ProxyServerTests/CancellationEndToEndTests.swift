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
