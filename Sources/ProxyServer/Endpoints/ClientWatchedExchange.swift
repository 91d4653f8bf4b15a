import HTTPTypes
import NIOCore
import Hummingbird
import ProxyCore
import Synchronization

/// How a request ends: a whole response, or a stream whose events are produced after the head.
enum ExchangeOutcome: Sendable {
    case response(Response)
    case stream(status: HTTPResponse.Status, headers: HTTPFields, produce: @Sendable (StreamSink) async throws -> StreamEnding)
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

/// Runs a request's exchange (the upstream call, and any stream that follows) in a task of its own
/// that is cancelled the moment the client leaves, even while the upstream is silent, so that
/// nobody pays for tokens nobody reads. The task outlives the handler, which returns the response
/// head while the stream goes on.
enum ClientWatchedExchange {
    static func run(
        connection: ClientConnections.Connection?, on eventLoop: any EventLoop, _ handle: @escaping @Sendable () async -> ExchangeOutcome
    ) async throws -> Response {
        let (heads, headContinuation) = AsyncStream<Response>.makeStream()
        let (body, bodyContinuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let cancellation = LateCancellation()
        let watch = connection?.onClientLeft { cancellation.cancel() }
        let exchange = Task(executorPreference: EventLoopTaskExecutor(eventLoop)) {
            defer { connection?.remove(watch) }
            switch await handle() {
            case .response(let response):
                headContinuation.yield(response)
                headContinuation.finish()
            case .stream(let status, let headers, let produce):
                headContinuation.yield(Response(status: status, headers: headers, body: ResponseBody(asyncSequence: body)))
                headContinuation.finish()
                do {
                    _ = try await produce(StreamSink(continuation: bodyContinuation))
                    bodyContinuation.finish()
                } catch {
                    bodyContinuation.finish(throwing: error)
                }
            }
        }
        cancellation.attach(exchange)
        bodyContinuation.onTermination = { _ in exchange.cancel() }
        return try await withTaskCancellationHandler {
            for await head in heads { return head }
            throw CancellationError()
        } onCancel: {
            exchange.cancel()
        }
    }
}

/// A cancellation that may be asked for before its task exists.
private final class LateCancellation: Sendable {
    private let state = Mutex<(task: Task<Void, Never>?, cancelled: Bool)>((nil, false))

    func attach(_ task: Task<Void, Never>) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        if cancelled { task.cancel() }
    }

    func cancel() {
        state.withLock { state in
            state.cancelled = true
            return state.task
        }?.cancel()
    }
}
