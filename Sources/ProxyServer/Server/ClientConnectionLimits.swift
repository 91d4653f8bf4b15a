import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes
import ProxyCore
import Synchronization

/// What every client connection is held to: the deadlines of `ClientConnectionDeadlines` (a slow
/// head or body, or an idle kept-alive connection, is closed), and at most `maximum` connections
/// open at once. A connection over the cap is answered 503 and closed, so that slow or idle clients
/// cannot use up the open files and memory the proxy needs to answer everyone else.
final class ClientConnectionLimits: Sendable {
    let deadlines: ClientConnectionDeadlines.Limits
    let maximum: Int
    fileprivate let logger: Logger
    private let open = Atomic<Int>(0)
    /// Whether the latest connection found the cap reached, so that reaching it is logged once.
    private let full = Atomic<Bool>(false)

    init(deadlines: ClientConnectionDeadlines.Limits, maximum: Int, logger: Logger) {
        self.deadlines = deadlines
        self.maximum = maximum
        self.logger = logger
    }

    /// A pipeline handler for each new connection, after HTTP decoding, which holds it to these limits.
    func makeGuard() -> any RemovableChannelHandler {
        ClientConnectionGuard(limits: self)
    }

    /// What a request on a connection over the cap gets.
    fileprivate var refusal: AnthropicError {
        AnthropicError(
            .overloaded, "The proxy has as many client connections open as it may (MAX_CONNECTIONS, \(maximum)); retry once some have closed.",
            status: 503)
    }

    /// Counts a new connection in, if there is room for it.
    fileprivate func admit() -> Bool {
        let admitted = open.add(1, ordering: .relaxed).newValue <= maximum
        if !admitted { open.subtract(1, ordering: .relaxed) }
        if full.exchange(!admitted, ordering: .relaxed) == admitted, !admitted {
            logger.warning("\(maximum) client connections are open (MAX_CONNECTIONS): new ones get a 503 until some close")
        }
        return admitted
    }

    fileprivate func release() {
        open.subtract(1, ordering: .relaxed)
    }
}

/// Holds one connection to the limits: keeps its deadlines from the request parts it reads and
/// the answers' ends it writes, with a watcher at the front of the pipeline for the bytes that
/// begin a head (which decoding shows only once the head is whole), and closes it when one
/// passes. A connection over the cap never reaches the application: its request gets the 503.
private final class ClientConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ClientConnectionLimits
    private var deadlines: ClientConnectionDeadlines
    private var context: ChannelHandlerContext?
    private var admitted = false
    /// The 503 written to a connection over the cap, after which it closes.
    private var refusalWritten: EventLoopFuture<Void>?
    private var timer: Scheduled<Void>?
    private var timerDeadline: Duration?

    init(limits: ClientConnectionLimits) {
        self.limits = limits
        self.deadlines = ClientConnectionDeadlines(limits: limits.deadlines, openedAt: Self.now)
    }

    /// The event loop's clock, as the deadlines keep time.
    private static var now: Duration {
        .nanoseconds(Int64(clamping: NIODeadline.now().uptimeNanoseconds))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        admitted = limits.admit()
        try? context.pipeline.syncOperations.addHandler(ArrivingBytesWatcher(owner: self), position: .first)
        scheduleTimer()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
        if admitted { limits.release() }
        admitted = false
    }

    fileprivate func bytesArrived() {
        deadlines.bytesArrived(at: Self.now)
        scheduleTimer()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head: deadlines.headReceived(at: Self.now)
        case .body: break
        case .end: deadlines.bodyEnded(at: Self.now)
        }
        scheduleTimer()
        if admitted {
            context.fireChannelRead(data)
        } else {
            refuse(part, context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            deadlines.answerEnded(at: Self.now)
            scheduleTimer()
        }
        context.write(data, promise: promise)
    }

    /// Answers the head with the 503 and closes once the request has been read (closing earlier,
    /// with its body unread, could reset the connection before the client reads the answer).
    private func refuse(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head:
            let body = ByteBuffer(bytes: JSONWriter.encode(limits.refusal.json))
            let head = HTTPResponse(
                status: .serviceUnavailable,
                headerFields: [.contentType: "application/json", .contentLength: String(body.readableBytes), .connection: "close"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            refusalWritten = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        case .body:
            break
        case .end:
            refusalWritten?.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// Keeps one timer, at or before the deadlines' next deadline. A pending timer that fires no
    /// later than the deadline stays (when it fires it looks again): most requests move the
    /// deadline later, and a timer rescheduled three times a request costs more than one that
    /// fires early now and then.
    private func scheduleTimer() {
        guard let context else { return }
        if let pending = timerDeadline, deadlines.deadline.map({ pending <= $0 }) ?? true { return }
        timer?.cancel()
        timerDeadline = deadlines.deadline
        timer = timerDeadline.map { deadline in
            let nanoseconds = deadline.components.seconds * 1_000_000_000 + deadline.components.attoseconds / 1_000_000_000
            return context.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(UInt64(max(0, nanoseconds)))) { self.timerFired() }
        }
    }

    private func timerFired() {
        timer = nil
        timerDeadline = nil
        guard let context else { return }
        guard let overrun = deadlines.expired(at: Self.now) else { return scheduleTimer() }
        limits.logger.debug("Closed a client connection: \(Self.describe(overrun, limits.deadlines))")
        context.close(promise: nil)
    }

    private static func describe(_ overrun: ClientConnectionDeadlines.Overrun, _ limits: ClientConnectionDeadlines.Limits) -> String {
        switch overrun {
        case .head: "its request head took longer than \(limits.head.components.seconds) s (CLIENT_HEADER_TIMEOUT_SECONDS)"
        case .body: "its request body took longer than \(limits.body.components.seconds) s (CLIENT_BODY_TIMEOUT_SECONDS)"
        case .idle: "idle for \(limits.idle.components.seconds) s (CLIENT_IDLE_TIMEOUT_SECONDS)"
        }
    }
}

/// Sits at the front of the pipeline and tells its guard whenever bytes arrive.
private final class ArrivingBytesWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private weak var owner: ClientConnectionGuard?

    init(owner: ClientConnectionGuard) {
        self.owner = owner
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner?.bytesArrived()
        context.fireChannelRead(data)
    }
}
