import ProxyCore
import ServiceLifecycle
import Synchronization

/// The client side of a stream in flight: writes are serialised, a `ping` goes out whenever nothing
/// was written for `pingInterval` (so a reasoning model that is silent for minutes does not look
/// like a dead stream to the client or a load balancer), and an upstream that sends nothing for
/// the idle timeout ends the stream with an error. Once an `error` or `message_stop` has been
/// written the stream has ended, and later writes are dropped.
final class StreamOutput: Sendable {
    /// Thrown by `watchUpstream` when the upstream stayed silent for the idle timeout.
    struct UpstreamIdle: Error {}

    private struct State {
        var lastWrite = ContinuousClock.now
        var lastUpstreamActivity = ContinuousClock.now
        var ended = false
        var outcome = StreamOutcome()
    }

    private let sink: StreamSink
    private let pingInterval: Duration
    private let redactor: SecretRedactor
    private let state = Mutex(State())

    /// - Parameter redactor: clears error events of any secret an upstream quoted.
    init(_ sink: StreamSink, pingInterval: Duration, redactor: SecretRedactor) {
        self.sink = sink
        self.pingInterval = pingInterval
        self.redactor = redactor
    }

    /// How the stream ended, for the request record.
    var ending: StreamEnding {
        let outcome = state.withLock { $0.outcome }
        if let error = outcome.error { return .failed(error, usage: outcome.usage) }
        return .completed(outcome.usage ?? Usage())
    }

    func write(_ events: [AnthropicStreamEvent]) throws {
        guard !events.isEmpty else { return }
        let events = events.map { event in
            if case .error(let error) = event { return AnthropicStreamEvent.error(redactor.redact(error)) }
            return event
        }
        try state.withLock { state in
            guard !state.ended else { return }
            try sink.write(events)
            state.lastWrite = .now
            state.outcome.record(events)
            if events.contains(where: { $0 == .messageStop || $0.isError }) { state.ended = true }
        }
    }

    /// Writes bytes that are already SSE (a passthrough stream); `ended` marks its last write.
    func write(bytes: [UInt8], ended: Bool = false) throws {
        try state.withLock { state in
            guard !state.ended else { return }
            try sink.write(bytes)
            state.lastWrite = .now
            state.ended = ended
        }
    }

    /// Records that the upstream sent something, which resets the idle timeout.
    func noteUpstreamActivity() {
        state.withLock { $0.lastUpstreamActivity = .now }
    }

    /// Pings while idle, until the stream ends or the task is cancelled.
    func keepAlive() async {
        _ = await whenQuiet(for: pingInterval, since: \.lastWrite) { state in
            do {
                try sink.write([.ping])
            } catch {
                return true
            }
            state.lastWrite = .now
            return false
        }
    }

    /// Returns when the stream ends or the task is cancelled; throws `UpstreamIdle` once the
    /// upstream has been silent for `timeout`.
    func watchUpstream(timeout: Duration) async throws {
        if await whenQuiet(for: timeout, since: \.lastUpstreamActivity, { _ in true }) { throw UpstreamIdle() }
    }

    /// Once the server begins a graceful shutdown, lets the stream run on for the grace period but
    /// for a last second, then ends it with an `overloaded_error` event (which clients retry),
    /// rather than have it cut off when the server closes. Returns when cancelled.
    func endBeforeShutdownDeadline(grace: Duration) async {
        do {
            try await gracefulShutdown()
            try await LoopTimer.sleep(for: grace - min(.seconds(1), grace / 2))
        } catch {
            return
        }
        try? write([
            .error(
                AnthropicError(
                    .overloaded, "The proxy is shutting down and this reply did not finish within its grace period (SHUTDOWN_GRACE_SECONDS); retry the request.",
                    status: 529))
        ])
    }

    /// Calls `action` each time `interval` has passed since the instant at `since`, until the
    /// stream ends, the task is cancelled, or `action` returns true (which this then returns).
    private func whenQuiet(
        for interval: Duration, since instant: KeyPath<State, ContinuousClock.Instant>, _ action: (inout State) -> Bool
    ) async -> Bool {
        while !Task.isCancelled {
            let due = state.withLock { $0[keyPath: instant] } + interval
            do {
                try await LoopTimer.sleep(until: due)
            } catch {
                return false
            }
            let stopped = state.withLock { state -> Bool? in
                if state.ended { return false }
                guard ContinuousClock.now - state[keyPath: instant] >= interval else { return nil }
                return action(&state) ? true : nil
            }
            if let stopped { return stopped }
        }
        return false
    }
}

/// What a finished stream reports to the access log.
struct StreamOutcome: Sendable {
    var usage: Usage?
    var error: AnthropicError?

    mutating func record(_ events: [AnthropicStreamEvent]) {
        for event in events {
            switch event {
            case .messageDelta(_, _, let usage): self.usage = usage
            case .error(let error): self.error = error
            default: continue
            }
        }
    }
}

extension AnthropicStreamEvent {
    var isError: Bool {
        if case .error = self { return true }
        return false
    }
}
