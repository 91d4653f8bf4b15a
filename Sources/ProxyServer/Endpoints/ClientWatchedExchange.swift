import HTTPTypes
import NIOCore
import Hummingbird
import ProxyCore
import Synchronization

/// How a request ends: a whole response (what it cost, the error it carries), or a stream whose
/// events are produced after the head and which reports how it ended.
enum ExchangeOutcome: Sendable {
    case response(Response, usage: Usage? = nil, error: AnthropicError? = nil)
    case stream(status: HTTPResponse.Status, headers: HTTPFields, produce: @Sendable (StreamSink) async throws -> StreamEnding)

    /// The error answer.
    static func refusal(_ error: AnthropicError) -> ExchangeOutcome {
        .response(.anthropicError(error), error: error)
    }
}

/// Where a stream's bytes go; throws `CancellationError` once the client has gone.
struct StreamSink: Sendable {
    fileprivate let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    fileprivate let written = WrittenBytes()
    /// What the stream adds to the exchange's record besides its bytes and how it ended.
    fileprivate let notes = StreamRecordNotes()
    /// The taps, the last added (nearest the stream's producer) seeing the bytes first.
    private var taps: [any StreamSinkTap] = []

    fileprivate init(continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) {
        self.continuation = continuation
    }

    /// This sink, with `tap` seeing each write before the taps it already has.
    func tapped(by tap: any StreamSinkTap) -> StreamSink {
        var sink = self
        sink.taps.append(tap)
        return sink
    }

    func write(_ bytes: [UInt8]) throws {
        var bytes = bytes
        for tap in taps.reversed() where !bytes.isEmpty { bytes = tap.pass(bytes) }
        guard !bytes.isEmpty else { return }
        if case .terminated = continuation.yield(ByteBuffer(bytes: bytes)) { throw CancellationError() }
        written.count.add(bytes.count, ordering: .relaxed)
    }

    func write(_ events: [AnthropicStreamEvent]) throws {
        guard !events.isEmpty else { return }
        var writer = JSONWriter(reservingCapacity: 512)
        for event in events { event.write(to: &writer) }
        try write(writer.bytes)
    }

    /// Notes targets tried after the response's head, by a fallback the stream went on to.
    func noteAttempted(_ targets: [AttemptedTarget], attempts: Int) {
        notes.state.withLock { state in
            state.targets += targets
            state.attempts += attempts
        }
    }

    /// Notes a reply that declined before the stream's own (`fallbacks`).
    func noteDeclined(_ reply: DeclinedReply) {
        notes.state.withLock { $0.declined.append(reply) }
    }
}

/// Runs a request's exchange (the upstream call, and any stream that follows) in a task of its own
/// that is cancelled the moment the client leaves, even while the upstream is silent, so that
/// nobody pays for tokens nobody reads. The task outlives the handler, which returns the response
/// head while the stream goes on.
///
/// It owns the exchange's `RequestRecord`: `handle` fills in what the request asked for and where
/// it went, this adds how it ended (status, usage, cost, timings, bytes) and hands it to the observers
/// once, whatever happened, with every secret redacted. A stream counts as open in `metrics` from
/// its head to its end, however it ends.
enum ClientWatchedExchange {
    static func run(
        connection: ClientConnections.Connection?, on eventLoop: any EventLoop, record: RequestRecord, redactor: SecretRedactor, prices: PriceCatalog,
        metrics: ProxyMetrics, observers: RequestObservers, _ handle: @escaping @Sendable (inout RequestRecord) async -> ExchangeOutcome
    ) async throws -> Response {
        let started = ContinuousClock.now
        let (heads, headContinuation) = AsyncStream<Response>.makeStream()
        let (body, bodyContinuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let cancellation = LateCancellation()
        let watch = connection?.onClientLeft { cancellation.cancel() }
        let exchange = Task(executorPreference: EventLoopTaskExecutor(eventLoop)) {
            defer { connection?.remove(watch) }
            var record = record
            let outcome = await handle(&record)
            record.timeToFirstByte = ContinuousClock.now - started
            switch outcome {
            case .response(var response, let usage, let error):
                if let route = record.route { response.headers[.proxyRoute] = route.rawValue }
                headContinuation.yield(response)
                headContinuation.finish()
                // The connection's task, on this event loop too, writes the response before the
                // record is finished and handed to the observers (the access log's line among them).
                await Task.yield()
                record.status = response.status.code
                record.usage = usage?.billed
                if let error { record.fail(with: error, status: response.status.code) }
                record.bytesOut = response.body.contentLength ?? 0
            case .stream(let status, var headers, let produce):
                if let route = record.route { headers[.proxyRoute] = route.rawValue }
                headContinuation.yield(Response(status: status, headers: headers, body: ResponseBody(asyncSequence: body)))
                headContinuation.finish()
                record.status = status.code
                metrics.streamOpened()
                defer { metrics.streamClosed() }
                let sink = StreamSink(continuation: bodyContinuation)
                do {
                    let ending = try await produce(sink)
                    switch ending {
                    case .completed(let usage):
                        record.usage = usage.billed
                    case .failed(let error, let usage):
                        record.usage = usage?.billed
                        record.fail(with: error, status: status.code)
                    }
                    // The exchange is cancelled when its client leaves, whichever way the stream noticed.
                    if Task.isCancelled { record.fail(with: clientLeft) }
                    bodyContinuation.finish()
                } catch {
                    record.fail(with: clientLeft)
                    bodyContinuation.finish(throwing: error)
                }
                record.bytesOut = sink.written.count.load(ordering: .relaxed)
                sink.notes.state.withLock { notes in
                    record.targets += notes.targets
                    record.attempts += notes.attempts
                    record.declinedReplies += notes.declined
                }
            }
            record.duration = ContinuousClock.now - started
            record.costUSD = Self.cost(of: record, prices: prices)
            record.includeDeclinedUsage()
            record.redact(with: redactor)
            observers.observe(record)
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

extension ClientWatchedExchange {
    /// What the reply cost at its target's prices, nil when they are unknown; 0 when nothing was
    /// spent (no usage: refused, or failed before a token; a count of tokens, whose usage is the
    /// count, is free). Replies that declined before the one that served (`fallbacks`) add their
    /// cost at their own targets' prices.
    static func cost(of record: RequestRecord, prices: PriceCatalog) -> Double? {
        var total = 0.0
        for declined in record.declinedReplies {
            guard let cost = prices.cost(of: declined.usage, for: declined.target) else { return nil }
            total += cost
        }
        guard !record.path.hasSuffix("/count_tokens"), let usage = record.usage, usage != Usage() else { return total }
        guard let target = record.target else { return nil }
        return prices.cost(of: usage, for: target).map { $0 + total }
    }

    /// What the record says of an exchange whose client went away before its end (nobody reads it).
    static let clientLeft = AnthropicError(.api, "The client went away; the upstream request was cancelled.", status: 499)
}

/// What a stream adds to its exchange's record (see `StreamSink.noteAttempted(_:attempts:)`).
private final class StreamRecordNotes: Sendable {
    let state = Mutex<(targets: [AttemptedTarget], attempts: Int, declined: [DeclinedReply])>(([], 0, []))
}

/// The bytes a stream has written so far.
private final class WrittenBytes: Sendable {
    let count = Atomic<Int>(0)
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
