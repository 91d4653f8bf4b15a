import NIOCore
import NIOPosix
import Synchronization

/// A TCP connection to 127.0.0.1 that sends exactly the bytes it is given (half a request head,
/// say) and keeps what comes back and whether the other side closed.
final class RawConnection: Sendable {
    private final class Received: Sendable {
        let state = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        private let received: Received

        init(received: Received) {
            self.received = received
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(unwrapInboundIn(data).readableBytesView)
            received.state.withLock { $0.bytes += bytes }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.state.withLock { $0.closed = true }
            context.fireChannelInactive()
        }
    }

    private let channel: any Channel
    private let received: Received

    init(port: Int) async throws {
        let received = Received()
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(received: received)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        self.received = received
    }

    /// Connects to a proxy at `http://127.0.0.1:PORT`.
    convenience init(url: String) async throws {
        try await self.init(port: Int(url.split(separator: ":").last ?? "") ?? 0)
    }

    /// Sends `text`; a connection the other side has already closed takes nothing and is not an
    /// error (`closes()` says it closed): on a loaded machine a 1 s limit can pass before the test
    /// gets to write.
    func send(_ text: String) async throws {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text)).get()
        } catch ChannelError.ioOnClosedChannel {
            received.state.withLock { $0.closed = true }
        }
    }

    /// Sends a whole request and waits for its response (at most a minute, a bound for a machine
    /// running the whole suite at once, and no longer once the connection has closed), forgetting
    /// what was received before.
    func roundTrip(_ request: String) async throws -> (status: Int, body: String)? {
        received.state.withLock { $0.bytes = [] }
        try await send(request)
        _ = try await waits(within: .seconds(60)) { response != nil || isClosed }
        return response
    }

    /// Everything received so far.
    var text: String {
        received.state.withLock { String(decoding: $0.bytes, as: UTF8.self) }
    }

    var isClosed: Bool {
        received.state.withLock { $0.closed }
    }

    /// Whether the other side closed the connection within `limit` (a generous bound: the tests
    /// check that it closes, not how fast).
    func closes(within limit: Duration = .seconds(15)) async throws -> Bool {
        try await waits(within: limit) { isClosed }
    }

    /// The first response received: its status and body, once it is whole.
    private var response: (status: Int, body: String)? {
        let text = self.text
        guard let headEnd = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<headEnd.lowerBound].lowercased()
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }.flatMap { Int($0.dropFirst("content-length:".count).trimmingPrefix(" ")) } ?? 0
        let body = text[headEnd.upperBound...]
        guard body.utf8.count >= length else { return nil }
        return (status, String(body.prefix(length)))
    }

    func close() {
        channel.close(promise: nil)
    }

    private func waits(within limit: Duration, _ condition: () -> Bool) async throws -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + limit
        while !condition() {
            if clock.now >= end { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
