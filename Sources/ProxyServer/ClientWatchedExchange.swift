import HTTPTypes
import Hummingbird
import ProxyCore

/// How a request ends: a whole response, or a stream whose events are produced after the head.
enum ExchangeOutcome: Sendable {
    case response(Response)
    case stream(status: HTTPResponse.Status, headers: HTTPFields, produce: @Sendable (StreamSink) async throws -> Void)
}

/// Where a stream's bytes go; throws `CancellationError` once the client has gone.
struct StreamSink: Sendable {
    fileprivate let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation

    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        if case .terminated = continuation.yield(ByteBuffer(bytes: bytes)) { throw CancellationError() }
    }

    func write(_ events: [AnthropicStreamEvent]) throws {
        guard !events.isEmpty else { return }
        var writer = JSONWriter(reservingCapacity: 512)
        for event in events { event.write(to: &writer) }
        try write(writer.bytes)
    }
}

/// Runs a request's whole exchange (reading its body, the upstream call, and any stream that
/// follows) under Hummingbird's watch for the client closing its side, so that a client that leaves
/// cancels the upstream request at once, even while the upstream is silent.
///
/// The body must be read inside the watch: Hummingbird 2.28's watch traps when the client closes
/// after the body was read outside it. The watch runs in its own task because it has to outlive the
/// handler, which returns the response head while the stream goes on; the stream's end is signalled
/// only after the watch has finished, as Hummingbird reads the connection again once it ends.
/// Hummingbird closes the connection after a watched exchange, so every response says
/// `Connection: close` and clients open a new connection rather than reuse a dead one.
enum ClientWatchedExchange {
    static func run(_ request: Request, _ handle: @escaping @Sendable (RequestBody) async -> ExchangeOutcome) async throws -> Response {
        let (heads, headContinuation) = AsyncStream<Response>.makeStream()
        let (body, bodyContinuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let exchange = Task {
            var completed: Response?
            do {
                try await request.body.consumeWithCancellationOnInboundClose { requestBody in
                    switch await handle(requestBody) {
                    case .response(var response):
                        response.headers[.connection] = "close"
                        completed = response
                    case .stream(let status, var headers, let produce):
                        headers[.connection] = "close"
                        headContinuation.yield(Response(status: status, headers: headers, body: ResponseBody(asyncSequence: body)))
                        try await produce(StreamSink(continuation: bodyContinuation))
                    }
                }
            } catch {
                bodyContinuation.finish(throwing: error)
            }
            bodyContinuation.finish()
            if let completed { headContinuation.yield(completed) }
            headContinuation.finish()
        }
        bodyContinuation.onTermination = { _ in exchange.cancel() }
        return try await withTaskCancellationHandler {
            for await head in heads { return head }
            throw CancellationError()
        } onCancel: {
            exchange.cancel()
        }
    }
}
