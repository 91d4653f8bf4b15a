import ProxyCore
import Testing

/// One fake-upstream fault per test: what the client receives, and that the server keeps serving.
@Suite struct FaultInjectionEndToEndTests {
    static let request: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]
    static let streamedRequest: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "stream": true, "messages": [["role": "user", "content": "hi"]]]

    /// The server still answers a plain request after whatever the test did.
    private func expectStillServing(_ harness: ProxyHarness) async throws {
        let reply = try await harness.post("/v1/messages", json: Self.request)
        #expect(reply.status == 200)
        #expect(try reply.json["content"]?[0]?["text"] == .string(FakeReply.defaultText))
    }

    private func lastEventError(_ reply: ProxyHarness.Reply) throws -> AnthropicError? {
        let events = try reply.events
        #expect(!events.contains(.messageStop), "a failed stream never ends with message_stop")
        guard case .error(let error)? = events.last else { return nil }
        return error
    }

    // MARK: - Retries, fallbacks, keys

    @Test func overloadedUpstreamIsRetriedAndTheClientSeesOnlyTheAnswer() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply.failing(503, "The engine is currently overloaded"), FakeReply.failing(502, "Bad gateway"))
            let reply = try await harness.post("/v1/messages", json: Self.request)
            #expect(reply.status == 200)
            #expect(harness.fake.receivedRequests.count == 3)
            // The access log's line comes with the record, once the response is on its way.
            #expect(try await harness.records.waitFor(1).count == 1)
            #expect(harness.logs.all.contains { $0.contains("→ openai/gpt-4.1 (attempt 3)") && $0.contains("→ 200") })
            #expect(harness.logs.all.filter { $0.contains("failed (") && $0.contains("trying openai/gpt-4.1") }.count == 2)
        }
    }

    @Test func streamedRequestIsRetriedBeforeItsStreamBegins() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply.failing(500, "Internal error"))
            let reply = try await harness.post("/v1/messages", json: Self.streamedRequest)
            #expect(reply.status == 200)
            var accumulator = StreamAccumulator()
            for event in try reply.events { try accumulator.consume(event) }
            #expect(accumulator.finalMessage?.content == [.text(FakeReply.defaultText)])
            #expect(harness.fake.receivedRequests.count == 2)
        }
    }

    @Test func retriesStopWhenTheBudgetIsSpent() async throws {
        try await ProxyHarness.run(environment: ["MAX_RETRIES": "1"]) { harness in
            harness.fake.enqueue(FakeReply.failing(500, "Internal error one"), FakeReply.failing(500, "Internal error two"), FakeReply.failing(500, "Internal error three"))
            let reply = try await harness.post("/v1/messages", json: Self.request)
            #expect(reply.status == 500)
            #expect(try reply.json["error"]?["type"] == "api_error")
            #expect(try reply.json["error"]?["message"]?.stringValue?.contains("Internal error two") == true)
            #expect(harness.fake.receivedRequests.count == 2)
        }
    }

    @Test func clientErrorsAreNotRetried() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply.failing(400, "Invalid 'messages'"))
            let reply = try await harness.post("/v1/messages", json: Self.request)
            #expect(reply.status == 400)
            #expect(harness.fake.receivedRequests.count == 1)
        }
    }

    /// A local server that is not running: each attempt fails on the refusal itself (the HTTP
    /// client does not retry it until its connect timeout), the proxy retries, and the error says
    /// so, telling the client not to retry what the proxy has retried.
    @Test func upstreamThatIsNotRunningIsRetriedThenABadGatewaySayingSo() async throws {
        // Held, not listening: a port only found free could be taken meanwhile by another test's server.
        let closed = try SilentListener(listening: false)
        let deadUpstream = "http://127.0.0.1:\(closed.port)/v1"
        try await ProxyHarness.run(environment: ["OPENAI_BASE_URL": deadUpstream, "MAX_RETRIES": "1"]) { harness in
            let reply = try await harness.post("/v1/messages", json: Self.request)
            #expect(reply.status == 502)
            #expect(try reply.json["error"]?["type"] == "api_error")
            #expect(try reply.json["error"]?["message"] == .string("Could not connect to the OpenAI upstream at \(deadUpstream): connection refused. Is the server running and the URL right?"))
            #expect(reply.headers["x-should-retry"] == "false")
            #expect(harness.logs.all.filter { $0.contains("failed (502 api_error: Could not connect") && $0.contains("trying openai/gpt-4.1") }.count == 1)
        }
        withExtendedLifetime(closed) {}
    }

    @Test func fallbackTargetServesWhenThePrimaryFails() async throws {
        try await ProxyHarness.run(environment: ProxyHarness.fallbackEnvironment) { harness in
            harness.fake.enqueue(FakeReply.failing(529, "Overloaded"))
            let reply = try await harness.post("/v1/messages", json: Self.request)
            #expect(reply.status == 200)
            #expect(reply.headers["x-proxy-upstream-model"] == "openai/gpt-4o:backup")
            #expect(try reply.json["model"] == "claude-sonnet-4-6")
            #expect(harness.fake.receivedRequests.map { $0["model"] } == ["gpt-4.1", "gpt-4o"])
        }
    }

    @Test func rejectedKeyRestsAndTheNextKeyServes() async throws {
        let revoked = "sk-revoked-0000000000000000000000"
        try await ProxyHarness.run(environment: ["OPENAI_API_KEY": "\(revoked), \(FakeOpenAIUpstream.apiKey)"]) { harness in
            let first = try await harness.post("/v1/messages", json: Self.request)
            let second = try await harness.post("/v1/messages", json: Self.request)
            #expect(first.status == 200 && second.status == 200)
            // The revoked key was tried once, then rested; the second request went straight to the good one.
            #expect(harness.fake.receivedKeys == [revoked, FakeOpenAIUpstream.apiKey, FakeOpenAIUpstream.apiKey])
        }
    }

    @Test func throttledKeyRestsForItsRetryAfterWhileTheOtherKeyServes() async throws {
        try await ProxyHarness.run(environment: ["OPENAI_API_KEY": "\(FakeOpenAIUpstream.apiKey),\(FakeOpenAIUpstream.secondAPIKey)"]) { harness in
            harness.fake.enqueue(FakeReply.failing(429, "Rate limit reached", retryAfter: "60"))
            let reply = try await harness.post("/v1/messages", json: Self.request)
            // A 60 s retry-after is beyond what the proxy waits out, but another key was ready.
            #expect(reply.status == 200)
            #expect(harness.fake.receivedKeys == [FakeOpenAIUpstream.apiKey, FakeOpenAIUpstream.secondAPIKey])
        }
    }

    // MARK: - Timeouts

    @Test func upstreamSilentMidStreamEndsWithATimeoutErrorAndIsClosed() async throws {
        try await ProxyHarness.run(environment: ["IDLE_TIMEOUT_SECONDS": "1"]) { harness in
            var reply = FakeReply(text: "This reply stalls after its first chunk, then goes on slowly.")
            // Slow enough after the silence (16 chunks, 5 s) that the fake is still writing when the
            // proxy's close reaches it, even when the whole suite's load on two cores delays the
            // proxy's timeout by seconds (at 50 ms apart the fake once finished before it noticed).
            reply.pauseAfterFirstChunk = .seconds(3)
            reply.pauseBetweenChunks = .milliseconds(300)
            harness.fake.enqueue(reply)
            let streamed = try await harness.post("/v1/messages", json: Self.streamedRequest)
            let error = try #require(try lastEventError(streamed))
            #expect(error.kind == .timeout)
            #expect(error.message.contains("IDLE_TIMEOUT_SECONDS"))
            // The proxy closed the upstream stream: the fake fails on its next write.
            var waited = 0
            while harness.fake.abandonedStreams == 0, waited < 200 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(harness.fake.abandonedStreams == 1)
            try await expectStillServing(harness)
        }
    }

    @Test func upstreamThatNeverAnswersIsAFirstByteTimeoutNotRetried() async throws {
        // A bound the whole suite's load on two cores cannot reach for a request the fake answers at once
        // (1 s, then 3 s were reached: the fake's instant answer to the follow-up came too late), and a
        // head well past it.
        try await ProxyHarness.run(environment: ["FIRST_BYTE_TIMEOUT_SECONDS": "10"]) { harness in
            var slow = FakeReply()
            slow.delayBeforeHead = .seconds(30)
            harness.fake.enqueue(slow)
            let reply = try await harness.post("/v1/messages", json: Self.request)
            #expect(reply.status == 504)
            #expect(try reply.json["error"]?["type"] == "timeout_error")
            #expect(try reply.json["error"]?["message"]?.stringValue?.contains("FIRST_BYTE_TIMEOUT_SECONDS") == true)
            #expect(harness.fake.receivedRequests.count == 1)
            try await expectStillServing(harness)
        }
    }

    // MARK: - Malformed upstream data

    @Test(arguments: [false, true])
    func htmlPageInsteadOfAnAnswerIsABadGatewayError(stream: Bool) async throws {
        try await ProxyHarness.run { harness in
            var page = FakeReply()
            page.streamFault = .htmlPage
            // A bad gateway may pass, so it is retried like one: every attempt gets the page.
            harness.fake.enqueue(page, page, page)
            let reply = try await harness.post("/v1/messages", json: stream ? Self.streamedRequest : Self.request)
            #expect(reply.status == 502)
            #expect(harness.fake.receivedRequests.count == 3)
            #expect(reply.headers["content-type"] == "application/json")
            let message = try #require(try reply.json["error"]?["message"]?.stringValue)
            #expect(message.contains("Welcome to nginx!") || message.contains("not JSON"), "\(message)")
            try await expectStillServing(harness)
        }
    }

    /// A server that answers a stream with 200 and nothing (llama.cpp on a context overflow) or
    /// with an error object instead of events: the client is told what happened.
    @Test func aStreamWithoutEventsSaysWhatTheUpstreamSent() async throws {
        try await ProxyHarness.run { harness in
            var empty = FakeReply()
            empty.streamFault = .emptyEventStream
            var errorObject = FakeReply()
            errorObject.streamFault = .errorObjectInsteadOfEvents
            harness.fake.enqueue(empty, errorObject)
            let nothing = try await harness.post("/v1/messages", json: Self.streamedRequest)
            #expect(nothing.status == 200)
            let nothingError = try #require(try lastEventError(nothing))
            #expect(nothingError.message.contains("returned nothing"), "\(nothingError.message)")
            let loading = try await harness.post("/v1/messages", json: Self.streamedRequest)
            let loadingError = try #require(try lastEventError(loading))
            #expect(loadingError.kind == .overloaded && loadingError.message.contains("Loading model"), "\(loadingError.message)")
            try await expectStillServing(harness)
        }
    }

    @Test func invalidJSONInAStreamChunkEndsTheStreamWithAnError() async throws {
        try await ProxyHarness.run { harness in
            var reply = FakeReply(text: "Some text that never finishes.")
            reply.streamFault = .invalidJSONChunk
            harness.fake.enqueue(reply)
            let streamed = try await harness.post("/v1/messages", json: Self.streamedRequest)
            let error = try #require(try lastEventError(streamed))
            #expect(error.kind == .api)
            #expect(error.message.contains("not JSON"))
            try await expectStillServing(harness)
        }
    }

    @Test func connectionResetMidStreamEndsTheStreamWithAnError() async throws {
        try await ProxyHarness.run { harness in
            var reply = FakeReply(text: String(repeating: "words ", count: 40))
            reply.streamFault = .connectionReset
            harness.fake.enqueue(reply)
            let streamed = try await harness.post("/v1/messages", json: Self.streamedRequest)
            let error = try #require(try lastEventError(streamed))
            #expect(error.kind == .api)
            try await expectStillServing(harness)
        }
    }

    // MARK: - Load

    /// Parallel subagents: many long streams to one upstream at once, none queued behind another.
    @Test func manyConcurrentStreamsToOneUpstreamAllRunAtOnce() async throws {
        try await ProxyHarness.run { harness in
            let count = 24
            var held = FakeReply(text: "A long answer, slowly.")
            held.holdUntilOpenStreams = count  // a stream queued behind another would never come
            harness.fake.enqueue(contentsOf: Array(repeating: held, count: count))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<count { group.addTask { try await harness.post("/v1/messages", json: Self.streamedRequest).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: count))
            #expect(harness.fake.mostConcurrentStreams == count)
        }
    }

    // MARK: - Client side

    @Test func bodyOverTheLimitIsA413NamingTheSetting() async throws {
        try await ProxyHarness.run(environment: ["REQUEST_BODY_LIMIT_MB": "1"]) { harness in
            let huge: JSONValue = [
                "model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": .string(String(repeating: "a", count: 2 << 20))]],
            ]
            let reply = try await harness.post("/v1/messages", json: huge)
            #expect(reply.status == 413, "\(String(decoding: reply.body, as: UTF8.self))")
            #expect(try reply.json["error"]?["type"] == "request_too_large")
            #expect(try reply.json["error"]?["message"]?.stringValue?.contains("REQUEST_BODY_LIMIT_MB") == true)
            try await expectStillServing(harness)
        }
    }

    @Test func oversizedHeadersAreRefusedAndTheServerKeepsServing() async throws {
        try await ProxyHarness.run { harness in
            let reply = try? await harness.post("/v1/messages", json: Self.request, headers: ["x-padding": String(repeating: "p", count: 200_000)])
            if let reply { #expect((400..<500).contains(reply.status)) }
            try await expectStillServing(harness)
        }
    }
}
