import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Gathers a large request body (a late session's megabytes) on its connection's event loop, as
/// its parts are read, and passes it on whole with the request's end; a smaller one goes by in
/// its parts.
///
/// A client connection reads into small buffers (`ClientConnections.readBuffers`), so that the
/// thousands of connections that stream hold little. A 4 MB body came in 256 reads, each passed
/// through the pipeline and handed over to the request's task on its own: a third of a Gemini
/// later turn's time. While a body of `threshold` bytes or more arrives, the connection reads
/// `readSize` at a time instead, each read copied here at once, so that the same buffer takes
/// the next (queued for the task, each would hold a buffer of its own), and the task gets one
/// part, which `RequestBodyReader` takes as it is.
final class LargeBodyGatherer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    /// The bodies gathered: `BulkWorkExecutor`'s large requests.
    static let threshold = BulkWorkExecutor.threshold
    /// Loopback's segment size. Larger reads saved no more time, and held more memory with many
    /// bodies arriving at once (100 of 1 MB: 20 MB more at 128 KB).
    static let readSize = 64 * 1024

    /// Room made for a body before it has come: its buffer then grows to at most four times
    /// what has come, and to its declared length at the end, so that a head declaring 32 MB
    /// (perhaps a client without a key, refused only once the request reaches the application)
    /// costs what its client really sends.
    static let initialCapacity = 256 * 1024

    /// The most a body may hold (`REQUEST_BODY_LIMIT_MB`, as it is when the body begins): one
    /// declared larger goes by in its parts, for the endpoint to refuse.
    private let limit: @Sendable () -> Int
    private var body: ByteBuffer?
    private var declaredLength = 0

    init(limit: @escaping @Sendable () -> Int) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if let length = request.headerFields[.contentLength].flatMap({ Int($0) }), length >= Self.threshold, length <= limit() {
                body = context.channel.allocator.buffer(capacity: min(length, Self.initialCapacity))
                declaredLength = length
                setReadBuffers(FixedSizeRecvByteBufferAllocator(capacity: Self.readSize), context: context)
            }
            context.fireChannelRead(data)
        case .body(let part) where body != nil:
            if let gathered = body?.readableBytes, gathered + part.readableBytes > body?.capacity ?? 0 {
                body?.reserveCapacity(min(declaredLength, max(gathered + part.readableBytes, 4 * gathered)))
            }
            body?.writeImmutableBuffer(part)
        case .body:
            context.fireChannelRead(data)
        case .end:
            if let gathered = body.take() {
                setReadBuffers(ClientConnections.readBuffers, context: context)
                context.fireChannelRead(wrapInboundOut(.body(gathered)))
            }
            context.fireChannelRead(data)
        }
    }

    /// The room the body being gathered has.
    var reservedBytes: Int { body?.capacity ?? 0 }

    func handlerRemoved(context: ChannelHandlerContext) {
        body = nil
    }

    private func setReadBuffers(_ allocator: any RecvByteBufferAllocator, context: ChannelHandlerContext) {
        _ = try? context.channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: allocator)
    }
}
