import NIOCore
import NIOPosix
import ProxyCore
import ServiceLifecycle
import Synchronization

/// The client side of a stream in flight: writes are serialised and dropped once the stream has
/// ended, and one timer on an event loop carries out what the stream's `StreamSupervisor` says is
/// due: pings, and the end of a stream whose upstream went silent or that outlives the server's
/// graceful shutdown. Event-loop timers because a cancelled `Task.sleep` keeps its memory until its
/// deadline (see `LoopTimer`), and every stream that ends in time cancels its timer.
final class StreamOutput: Sendable {
    private struct State {
        var supervisor: StreamSupervisor
        /// The timer and when it fires, while `run` runs and something is due.
        var timer: (task: Scheduled<Void>, deadline: Duration)?
        var isRunning = false
        var ending: StreamEnding?
        /// What the client has been told of the usage, for an ending the timer decides.
        var toldUsage: Usage?
    }

    private let sink: StreamSink
    private let redactor: SecretRedactor
    private let origin = ContinuousClock.now
    private let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
    private let state: Mutex<State>
    /// The ending of a stream the timer ended, for `run` to return while the relay is cancelled.
    private let timerEndings = AsyncStream<StreamEnding>.makeStream()

    /// - Parameter redactor: clears error events of any secret an upstream quoted.
    init(_ sink: StreamSink, supervisor: StreamSupervisor, redactor: SecretRedactor) {
        self.sink = sink
        self.redactor = redactor
        state = Mutex(State(supervisor: supervisor))
    }

    /// Runs `relay`, which writes the stream and returns `end(_:_:)`'s answer, with the timer
    /// running; returns how the stream ended. An end the timer decides cancels the relay, which
    /// stops reading the upstream.
    func run(_ relay: @escaping @Sendable () async throws -> StreamEnding) async throws -> StreamEnding {
        try await withGracefulShutdownHandler {
            state.withLock { state in
                state.isRunning = true
                schedule(&state)
            }
            defer { stop() }
            return try await withThrowingTaskGroup(of: StreamEnding?.self) { group in
                group.addTask { try await relay() }
                group.addTask { await self.timerEndings.stream.first { _ in true } }
                defer { group.cancelAll() }
                for try await case let ending? in group { return ending }
                throw CancellationError()
            }
        } onGracefulShutdown: {
            self.shutdownBegan()
        }
    }

    /// The output of a stream from `target`, supervised with the request's timeouts.
    /// - Parameter pings: whether the proxy sends its own pings while nothing is written.
    convenience init(_ sink: StreamSink, to target: RouteTarget, services: ProxyServices, pings: Bool) {
        let configuration = services.configuration
        let supervisor = StreamSupervisor(
            pingInterval: pings ? configuration.pingInterval : nil, idleTimeout: configuration.idleTimeout,
            shutdownGracePeriod: configuration.shutdownGracePeriod, providerName: target.provider.displayName)
        self.init(sink, supervisor: supervisor, redactor: services.redactor)
    }

    func write(_ events: [AnthropicStreamEvent]) throws {
        guard !events.isEmpty else { return }
        try state.withLock { state in
            guard state.ending == nil else { return }
            try sink.write(events.map(redacted))
            state.supervisor.wrote(at: now)
        }
    }

    /// Writes bytes that are already SSE (a passthrough stream); `toldUsage` is what they, and the
    /// bytes before them, told the client of the usage.
    func write(bytes: [UInt8], toldUsage: Usage?) throws {
        try state.withLock { state in
            guard state.ending == nil else { return }
            state.toldUsage = toldUsage
            guard !bytes.isEmpty else { return }
            try sink.write(bytes)
            state.supervisor.wrote(at: now)
        }
    }

    /// Writes a stream's last events; returns how it ended, which is the timer's ending when the
    /// timer ended it first.
    func end(_ events: [AnthropicStreamEvent], _ ending: StreamEnding) throws -> StreamEnding {
        try state.withLock { state in try end(&state, events, ending) }
    }

    /// Records that the upstream sent something, which postpones the idle timeout.
    func noteUpstreamActivity() {
        state.withLock { $0.supervisor.upstreamActivity(at: now) }
    }

    private var now: Duration {
        ContinuousClock.now - origin
    }

    private func shutdownBegan() {
        state.withLock { state in
            state.supervisor.shutdownBegan(at: now)
            schedule(&state)
        }
    }

    private func end(_ state: inout State, _ events: [AnthropicStreamEvent], _ ending: StreamEnding) throws -> StreamEnding {
        if let ending = state.ending { return ending }
        try sink.write(events.map(redacted))
        let ending = redacted(ending)
        state.ending = ending
        state.supervisor.streamEnded()
        schedule(&state)
        return ending
    }

    private func stop() {
        state.withLock { state in
            state.isRunning = false
            state.supervisor.streamEnded()
            schedule(&state)
        }
    }

    /// Points the timer at the supervisor's next deadline. Writes and upstream activity only move
    /// deadlines later, so they leave the timer alone: it fires early, finds nothing due, and is
    /// pointed again.
    private func schedule(_ state: inout State) {
        guard state.isRunning, let deadline = state.supervisor.nextDeadline else {
            state.timer?.task.cancel()
            state.timer = nil
            return
        }
        if let timer = state.timer, timer.deadline <= deadline { return }
        state.timer?.task.cancel()
        let task = eventLoop.scheduleTask(in: TimeAmount(max(deadline - now, .zero))) { self.fire(scheduledFor: deadline) }
        state.timer = (task, deadline)
    }

    private func fire(scheduledFor deadline: Duration) {
        let timerEnding = state.withLock { state -> StreamEnding? in
            // A timer replaced while it was firing leaves its successor in place.
            if state.timer?.deadline == deadline { state.timer = nil }
            guard state.isRunning else { return nil }
            var timerEnding: StreamEnding?
            switch state.supervisor.tick(at: now) {
            case .ping?:
                // A client that left is noticed by the relay's next write.
                try? sink.write([.ping])
            case .endIdle(let error)?, .endForShutdown(let error)?:
                timerEnding = try? end(&state, [.error(error)], .failed(error, usage: state.toldUsage))
            case nil:
                break
            }
            schedule(&state)
            return timerEnding
        }
        if let timerEnding {
            timerEndings.continuation.yield(timerEnding)
            timerEndings.continuation.finish()
        }
    }

    private func redacted(_ event: AnthropicStreamEvent) -> AnthropicStreamEvent {
        guard case .error(let error) = event else { return event }
        return .error(redactor.redact(error))
    }

    private func redacted(_ ending: StreamEnding) -> StreamEnding {
        guard case .failed(let error, let usage) = ending else { return ending }
        return .failed(redactor.redact(error), usage: usage)
    }
}
