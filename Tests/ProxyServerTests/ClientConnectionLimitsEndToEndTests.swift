import ProxyCore
import Testing

/// Slow and idle clients are closed, a long answer is not, and connections over MAX_CONNECTIONS
/// get a 503 while the others are served: real sockets on 127.0.0.1, with 1 s limits.
@Suite struct ClientConnectionLimitsEndToEndTests {
    /// One short limit under test; the others long enough never to be the reason a connection closes.
    private static func limits(head: Int = 60, body: Int = 60, idle: Int = 60) -> [String: String] {
        ["CLIENT_HEADER_TIMEOUT_SECONDS": "\(head)", "CLIENT_BODY_TIMEOUT_SECONDS": "\(body)", "CLIENT_IDLE_TIMEOUT_SECONDS": "\(idle)"]
    }

    private static let health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    /// A connection that has had one answer and stays open. With a 1 s head limit, a loaded machine
    /// can stall the test past the limit between connecting and writing, and the proxy rightly
    /// closes that connection; another try gets one.
    private static func keptAliveConnection(to url: String) async throws -> RawConnection {
        for _ in 1..<5 {
            let connection = try await RawConnection(url: url)
            if try await connection.roundTrip(health)?.status == 200 { return connection }
            #expect(connection.isClosed, "no answer only because the head limit closed it first")
        }
        let connection = try await RawConnection(url: url)
        try #require(try await connection.roundTrip(health)?.status == 200)
        return connection
    }

    /// `request` posted until a connection carries it to the upstream: with 1 s head and body
    /// limits, a loaded machine can stall the client past them before its request is whole, and
    /// the proxy rightly closes that connection. A connection that failed after the request
    /// reached the upstream is the test's failure, not retried.
    private static func postReachingTheUpstream(_ harness: ProxyHarness, json request: JSONValue, headers: [String: String] = [:]) async throws
        -> ProxyHarness.Reply
    {
        for _ in 1..<5 {
            let reached = harness.fake.receivedRequests.count
            do {
                return try await harness.post("/v1/messages", json: request, headers: headers)
            } catch where harness.fake.receivedRequests.count == reached {
                continue
            }
        }
        return try await harness.post("/v1/messages", json: request, headers: headers)
    }

    @Test(.timeLimit(.minutes(1))) func aClientThatSendsHalfAHeadAndStopsIsClosed() async throws {
        try await ProxyHarness.run(environment: Self.limits(head: 1)) { harness in
            let connection = try await RawConnection(url: harness.proxyURL)
            try await connection.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
            #expect(try await connection.closes())
            #expect(connection.text.isEmpty, "closed without an answer")
        }
    }

    @Test(.timeLimit(.minutes(1))) func halfAHeadOnAKeptAliveConnectionIsTimedAsAHeadNotAsIdleness() async throws {
        try await ProxyHarness.run(environment: Self.limits(head: 1)) { harness in
            let connection = try await Self.keptAliveConnection(to: harness.proxyURL)
            try await connection.send("GET /heal")
            #expect(try await connection.closes(), "closed after the head limit, long before the idle limit of a minute")
        }
    }

    @Test(.timeLimit(.minutes(1))) func aClientThatSendsHalfABodyAndStopsIsClosed() async throws {
        try await ProxyHarness.run(environment: Self.limits(body: 1)) { harness in
            let connection = try await RawConnection(url: harness.proxyURL)
            try await connection.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{\"model\": \"claude-")
            #expect(try await connection.closes())
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func anIdleKeptAliveConnectionIsClosedAfterTheIdleLimit() async throws {
        try await ProxyHarness.run(environment: Self.limits(idle: 1)) { harness in
            let connection = try await RawConnection(url: harness.proxyURL)
            #expect(try await connection.roundTrip(Self.health)?.status == 200)
            #expect(try await connection.closes())
        }
    }

    @Test(.timeLimit(.minutes(1))) func answersThatTakeLongerThanEveryLimitComplete() async throws {
        try await ProxyHarness.run(environment: Self.limits(head: 1, body: 1, idle: 1)) { harness in
            let request: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "think"]]]
            var thinking = FakeReply(text: "Thought long, then answered.")
            thinking.pauseAfterFirstChunk = .seconds(3)
            harness.fake.enqueue(thinking)
            // Closed after its answer: kept alive, the connection would wait for the next request
            // under the 1 s idle limit, and a loaded machine can stall the test past it just as
            // the client sends that request on it (a reset).
            let stream = try await Self.postReachingTheUpstream(harness, json: streamed(request), headers: ["connection": "close"])
            #expect(stream.status == 200)
            #expect(try stream.events.last == .messageStop, "the stream is whole")

            var slow = FakeReply(text: "A late whole reply.")
            slow.delayBeforeHead = .seconds(3)
            harness.fake.enqueue(slow)
            let whole = try await Self.postReachingTheUpstream(harness, json: request)
            #expect(whole.status == 200)
            #expect(try whole.json["content"]?[0]?["text"] == "A late whole reply.")
            #expect(harness.fake.receivedRequests.count == 2)
        }
    }

    @Test(.timeLimit(.minutes(1))) func connectionsBeyondMaxConnectionsGetA503AndTheOthersAreServed() async throws {
        try await ProxyHarness.run(environment: ["MAX_CONNECTIONS": "2"]) { harness in
            var open: [RawConnection] = []
            for _ in 0..<2 {
                let connection = try await RawConnection(url: harness.proxyURL)
                #expect(try await connection.roundTrip(Self.health)?.status == 200)
                open.append(connection)
            }

            let third = try await RawConnection(url: harness.proxyURL)
            let refusal = try #require(try await third.roundTrip(Self.health))
            #expect(refusal.status == 503)
            let error = try JSONParser.parse(Array(refusal.body.utf8))
            #expect(error["type"] == "error")
            #expect(error["error"]?["type"] == "overloaded_error")
            #expect(error["error"]?["message"]?.stringValue?.contains("MAX_CONNECTIONS") == true)
            #expect(try await third.closes())

            // The two admitted connections are still served, and a closed one makes room.
            #expect(try await open[0].roundTrip(Self.health)?.status == 200)
            open[1].close()
            var status = 0
            for _ in 0..<100 where status != 200 {
                let fresh = try await RawConnection(url: harness.proxyURL)
                status = try await fresh.roundTrip(Self.health)?.status ?? 0
                fresh.close()
                if status != 200 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(status == 200, "a new connection is admitted once one has closed")
            open[0].close()
        }
    }
}
