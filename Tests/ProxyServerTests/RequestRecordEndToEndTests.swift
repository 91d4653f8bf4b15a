import AsyncHTTPClient
import NIOCore
import ProxyCore
import Testing

/// Exactly one record per exchange, whatever happened, with the fields that say what it was.
@Suite struct RequestRecordEndToEndTests {
    static let sessionUserID = #"{"device_id": "d", "account_uuid": "", "session_id": "0000-session"}"#
    static let request: JSONValue = [
        "model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]], "metadata": ["user_id": .string(sessionUserID)],
    ]

    @Test func wholeReply() async throws {
        try await ProxyHarness.run { harness in
            let body = JSONWriter.encode(Self.request)
            let reply = try await harness.send(.POST, "/v1/messages", body: body)
            #expect(reply.status == 200)
            let records = try await harness.records.waitFor(1)
            #expect(records.count == 1)
            let record = try #require(records.first)
            #expect(record.id.hasPrefix("req_") && record.id.count == 28)
            #expect(record.method == "POST" && record.path == "/v1/messages")
            #expect(record.clientModel == "claude-sonnet-4-6")
            #expect(record.sessionID == "0000-session")
            #expect(record.targets.map(\.qualifiedModel) == ["openai/gpt-4.1"])
            #expect(record.attempts == 1)
            #expect(record.status == 200 && record.errorType == nil)
            #expect(!record.stream && record.messageCount == 1)
            #expect(record.usage == Usage(inputTokens: 100, outputTokens: 20))
            #expect(record.bytesIn == body.count)
            #expect(record.bytesOut == reply.body.count)
            let firstByte = try #require(record.timeToFirstByte)
            #expect(firstByte > .zero && firstByte <= record.duration)
            #expect(record.clientKey == nil)
        }
    }

    @Test func streamedReply() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post("/v1/messages", json: streamed(Self.request))
            #expect(reply.status == 200)
            let records = try await harness.records.waitFor(1)
            let record = try #require(records.first)
            #expect(records.count == 1)
            #expect(record.stream && record.status == 200 && record.errorType == nil)
            #expect(record.usage?.outputTokens == 20)
            #expect(record.bytesOut == reply.body.count)
        }
    }

    @Test func streamThatFailsMidwayKeepsItsStatusAndSaysWhy() async throws {
        try await ProxyHarness.run { harness in
            var cut = FakeReply(text: String(repeating: "word ", count: 50))
            cut.streamFault = .connectionReset
            harness.fake.enqueue(cut)
            let reply = try await harness.post("/v1/messages", json: streamed(Self.request))
            #expect(reply.status == 200)
            let record = try #require(try await harness.records.waitFor(1).first)
            #expect(record.status == 200)
            #expect(record.errorType == "api_error")
            #expect(record.errorMessage?.isEmpty == false)
        }
    }

    @Test func refusedRequestAndUpstreamError() async throws {
        try await ProxyHarness.run { harness in
            let invalid = try await harness.post("/v1/messages", json: ["model": "claude-sonnet-4-6", "max_tokens": 100])
            #expect(invalid.status == 400)
            harness.fake.enqueue(FakeReply.failing(400, "Unsupported parameter: 'temperature'"))
            let rejected = try await harness.post("/v1/messages", json: Self.request)
            #expect(rejected.status == 400)
            let notJSON = try await harness.send(.POST, "/v1/messages", body: Array("nope".utf8))
            #expect(notJSON.status == 400)
            let records = try await harness.records.waitFor(3)
            #expect(records.count == 3)
            #expect(records.map(\.status) == [400, 400, 400])
            #expect(records.map(\.errorType) == ["invalid_request_error", "invalid_request_error", "invalid_request_error"])
            #expect(records[0].errorMessage?.contains("messages") == true)
            #expect(records[1].errorMessage?.contains("temperature") == true)
            #expect(records[1].attempts == 1)
            #expect(records[2].clientModel == nil && records[2].targets.isEmpty)
        }
    }

    @Test func retriesAndFallbacksAreEveryTargetTried() async throws {
        try await ProxyHarness.run(environment: ProxyHarness.fallbackEnvironment) { harness in
            harness.fake.enqueue(FakeReply.failing(529, "Overloaded"))
            #expect(try await harness.post("/v1/messages", json: Self.request).status == 200)
            harness.fake.enqueue(FakeReply.failing(529, "Overloaded"), FakeReply.failing(503, "Busy"))
            #expect(try await harness.post("/v1/messages", json: Self.request).status == 200)
            let records = try await harness.records.waitFor(2)
            #expect(records.count == 2)
            #expect(records[0].targets.map(\.qualifiedModel) == ["openai/gpt-4.1", "openai/gpt-4o:backup"])
            #expect(records[0].attempts == 2 && records[0].status == 200)
            #expect(records[1].targets.map(\.qualifiedModel) == ["openai/gpt-4.1", "openai/gpt-4o:backup", "openai/gpt-4o:backup"])
            #expect(records[1].attempts == 3 && records[1].status == 200)
        }
    }

    @Test(arguments: [false, true])
    func clientThatLeavesIsRecordedOnce(stream: Bool) async throws {
        try await ProxyHarness.run { harness in
            var silent = FakeReply()
            silent.delayBeforeHead = .seconds(60)
            harness.fake.enqueue(silent)
            let waiting = Task { try await harness.post("/v1/messages", json: stream ? streamed(Self.request) : Self.request) }
            while harness.fake.receivedRequests.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            waiting.cancel()
            let records = try await harness.records.waitFor(1)
            #expect(records.count == 1)
            #expect(records.first?.status == 499)
            #expect(records.first?.stream == stream)
        }
    }

    @Test func clientThatLeavesMidStreamIsRecordedOnce() async throws {
        try await ProxyHarness.run { harness in
            var long = FakeReply(text: String(repeating: "token ", count: 400))
            long.pauseBetweenChunks = .milliseconds(20)
            harness.fake.enqueue(long)
            var request = HTTPClientRequest(url: harness.proxyURL + "/v1/messages")
            request.method = .POST
            request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(streamed(Self.request))))
            let response = try await harness.client.execute(request, timeout: .seconds(30))
            var received = 0
            for try await chunk in response.body {
                received += chunk.readableBytes
                if received > 2_000 { break }
            }
            let records = try await harness.records.waitFor(1)
            #expect(records.count == 1)
            #expect(records.first?.status == 499)
            #expect(records.first.map { $0.bytesOut >= received } == true)
        }
    }

    @Test func countTokensIsRecordedWithTheCount() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post("/v1/messages/count_tokens", json: ["model": "claude-sonnet-4-6", "messages": [["role": "user", "content": "hi"]]])
            #expect(reply.status == 200)
            let count = try #require(try reply.json["input_tokens"]?.intValue)
            let record = try #require(try await harness.records.waitFor(1).first)
            #expect(record.path == "/v1/messages/count_tokens")
            #expect(record.usage == Usage(inputTokens: count))
            #expect(record.status == 200 && record.attempts == 1)
        }
    }
}
