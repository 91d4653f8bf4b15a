import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import ProxyCore
import Testing

@testable import ProxyServer

/// A large body reaches the application as one part, whatever parts it was read in; the others
/// go by as they came. On a channel of its own, and through the proxy on a real connection.
@Suite struct LargeBodyGathererTests {
    private static func head(length: Int) -> HTTPRequestPart {
        .head(HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/v1/messages", headerFields: [.contentLength: String(length)]))
    }

    private static func parts(of bytes: [UInt8], size: Int) -> [ByteBuffer] {
        stride(from: 0, to: bytes.count, by: size).map { ByteBuffer(bytes: bytes[$0..<min($0 + size, bytes.count)]) }
    }

    /// What the application reads for one request sent as `head`, the body in `size`-byte parts, and the end.
    private static func read(_ body: [UInt8], size: Int, through channel: EmbeddedChannel, declaring length: Int? = nil) throws -> [HTTPRequestPart] {
        try channel.writeInbound(head(length: length ?? body.count))
        for part in parts(of: body, size: size) { try channel.writeInbound(HTTPRequestPart.body(part)) }
        try channel.writeInbound(HTTPRequestPart.end(nil))
        var read: [HTTPRequestPart] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) { read.append(part) }
        return read
    }

    private static func bodies(_ parts: [HTTPRequestPart]) -> [ByteBuffer] {
        parts.compactMap { if case .body(let buffer) = $0 { buffer } else { nil } }
    }

    @Test func aLargeBodyReadInSmallPartsReachesTheApplicationWhole() throws {
        let channel = EmbeddedChannel(handler: LargeBodyGatherer(limit: { 1 << 20 }))
        let body = (0..<(LargeBodyGatherer.threshold + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let read = try Self.read(body, size: 16 * 1024, through: channel)
        #expect(read.count == 3)
        #expect(Self.bodies(read) == [ByteBuffer(bytes: body)])
        guard case .end = read.last else {
            Issue.record("the request's end follows its body")
            return
        }
        // The next request on the connection, a small one, goes by in its parts.
        let small = Array("{\"model\":\"m\"}".utf8)
        #expect(Self.bodies(try Self.read(small, size: 5, through: channel)) == Self.parts(of: small, size: 5))
    }

    @Test func roomIsMadeForWhatComesNotForWhatTheHeadDeclares() throws {
        let gatherer = LargeBodyGatherer(limit: { 32 << 20 })
        let channel = EmbeddedChannel(handler: gatherer)
        try channel.writeInbound(Self.head(length: 32 << 20))
        #expect(gatherer.reservedBytes == LargeBodyGatherer.initialCapacity)
        let part = ByteBuffer(bytes: [UInt8](repeating: 0x61, count: 64 * 1024))
        for _ in 0..<5 { try channel.writeInbound(HTTPRequestPart.body(part)) }
        #expect(gatherer.reservedBytes == 4 * 4 * 64 * 1024, "four times the 256 KB gathered when the fifth part came")
        #expect(try channel.readInbound(as: HTTPRequestPart.self).map { if case .head = $0 { true } else { false } } == true)
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil, "the parts are held until the body ends")
    }

    @Test func aBodyUnderTheThresholdGoesByInItsParts() throws {
        let channel = EmbeddedChannel(handler: LargeBodyGatherer(limit: { 1 << 20 }))
        let body = [UInt8](repeating: 0x61, count: LargeBodyGatherer.threshold - 1)
        #expect(Self.bodies(try Self.read(body, size: 16 * 1024, through: channel)).count == body.count / (16 * 1024) + 1)
    }

    @Test func aBodyDeclaredOverTheLimitGoesByInItsPartsForTheEndpointToRefuse() throws {
        let channel = EmbeddedChannel(handler: LargeBodyGatherer(limit: { LargeBodyGatherer.threshold }))
        let body = [UInt8](repeating: 0x61, count: LargeBodyGatherer.threshold + 1)
        #expect(Self.bodies(try Self.read(body, size: 64 * 1024, through: channel)).count == 5)
    }

    /// A late turn whose body the client writes in pieces, with pauses between them, on a
    /// kept-alive connection that then carries a small request and another large one.
    @Test(.timeLimit(.minutes(4))) func aLargeBodyWrittenSlowlyReachesTheUpstreamWholeAndTheConnectionGoesOn() async throws {
        let result = String(repeating: "a slowly written line, \"quoted\" and ünïcödé\n", count: 400_000 / 46)
        var json = try #require(try claudeCodeFixture("first-turn").objectValue)
        var messages = try #require(json["messages"]?.arrayValue)
        messages.append(["role": "assistant", "content": [["type": "tool_use", "id": "toolu_slow", "name": "Read", "input": ["file_path": "/tmp/slow.txt"]]]])
        messages.append(["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_slow", "content": .string(result)]]])
        json["messages"] = .array(messages)
        json["stream"] = false
        let body = String(decoding: JSONWriter.encode(.object(json)), as: UTF8.self)
        let head = "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        try await ProxyHarness.run { harness in
            let connection = try await RawConnection(url: harness.proxyURL)
            defer { connection.close() }
            harness.fake.enqueue(FakeReply(text: "Read it."))
            let pieces = Self.parts(of: Array(body.utf8), size: 100_000).map { String(decoding: $0.readableBytesView, as: UTF8.self) }
            try await connection.send(head)
            for piece in pieces.dropLast() {
                try await connection.send(piece)
                try await Task.sleep(for: .milliseconds(20))
            }
            let answer = try await connection.roundTrip(try #require(pieces.last))
            #expect(answer?.status == 200, "\(answer.map { "\($0.status) \($0.body)" } ?? "no answer within a minute; closed: \(connection.isClosed)")")
            let health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            #expect(try await connection.roundTrip(health)?.status == 200)
            harness.fake.enqueue(FakeReply(text: "Read it again."))
            #expect(try await connection.roundTrip(head + body)?.status == 200)
            let sent = harness.fake.receivedRequests
            #expect(sent.count == 2)
            for request in sent {
                let toolMessage = request["messages"]?.arrayValue?.first { $0["role"] == "tool" }
                #expect(toolMessage?["content"] == .string(result), "the tool result arrives byte for byte")
            }
        }
    }
}
