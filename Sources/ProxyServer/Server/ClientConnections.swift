import NIOCore
import Synchronization

/// Knows, for every client connection, when its client has gone (closed its side or dropped the
/// connection), so that an exchange in flight on it can be cancelled at once, while the upstream is
/// still silent. Unlike Hummingbird's own inbound-close watch, this leaves the connection open for
/// the client's next request.
final class ClientConnections: Sendable {
    /// One client connection: the cancellations to run when its client goes.
    final class Connection: Sendable {
        private struct State {
            var clientLeft = false
            var nextID = 0
            var onLeave: [Int: @Sendable () -> Void] = [:]
        }

        private let state = Mutex(State())

        /// Runs `cancel` when the client goes (at once, if it has gone); the id unregisters it.
        func onClientLeft(_ cancel: @escaping @Sendable () -> Void) -> Int? {
            let registered = state.withLock { state -> Int? in
                guard !state.clientLeft else { return nil }
                defer { state.nextID += 1 }
                state.onLeave[state.nextID] = cancel
                return state.nextID
            }
            if registered == nil { cancel() }
            return registered
        }

        func remove(_ id: Int?) {
            guard let id else { return }
            _ = state.withLock { $0.onLeave.removeValue(forKey: id) }
        }

        fileprivate func clientLeft() {
            let cancellations = state.withLock { state -> [@Sendable () -> Void] in
                guard !state.clientLeft else { return [] }
                state.clientLeft = true
                defer { state.onLeave = [:] }
                return Array(state.onLeave.values)
            }
            for cancel in cancellations { cancel() }
        }
    }

    private let connections = Mutex<[ObjectIdentifier: Connection]>([:])

    /// How client connections size their read buffers. A connection keeps the buffer its last
    /// read grew to for as long as it is open; NIO's default lets a 40 KB request grow it to
    /// 64 KB, held through the minutes of the stream that follows (10 MB for a thousand streams).
    static let readBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 16 * 1024)

    /// The connection a request arrived on, while it is open.
    func connection(of channel: any Channel) -> Connection? {
        connections.withLock { $0[ObjectIdentifier(channel)] }
    }

    /// A pipeline handler for each new connection, which reports its client leaving.
    func makeDetector() -> any RemovableChannelHandler {
        ClientLeaveDetector(connections: self)
    }

    fileprivate func opened(_ channel: any Channel) -> Connection {
        let connection = Connection()
        connections.withLock { $0[ObjectIdentifier(channel)] = connection }
        return connection
    }

    fileprivate func closed(_ channel: any Channel) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

/// Sits after HTTP decoding and passes everything on; a client that half-closes (the connection's
/// input ends) or drops the connection has left. Being the proxy's own handler on every client
/// connection, it also sets the connection's read buffer sizes.
private final class ClientLeaveDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let connections: ClientConnections
    private var connection: ClientConnections.Connection?

    init(connections: ClientConnections) {
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connection = connections.opened(context.channel)
        _ = try? context.channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: ClientConnections.readBuffers)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connections.closed(context.channel)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { connection?.clientLeft() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection?.clientLeft()
        connections.closed(context.channel)
        context.fireChannelInactive()
    }
}
