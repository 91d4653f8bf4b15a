/// The timers of one stream in flight, as a pure state machine: the server tells it what happens
/// (the upstream sent something, the client was written to, a graceful shutdown began, the
/// stream ended) and, at `nextDeadline`, asks it with `tick` what is due.
///
/// - A `ping` goes out whenever nothing was written for the ping interval, so that a reasoning
///   model silent for minutes does not look like a dead stream to the client or a load balancer.
/// - An upstream that sends nothing for the idle timeout ends the stream with a `timeout_error`.
/// - Once the server begins a graceful shutdown, the stream runs on for the grace period but for a
///   last second (half of it, when shorter than two seconds), then ends with an `overloaded_error`,
///   which clients retry, rather than be cut off when the server closes.
///
/// Time is a `Duration` since the stream began, on whatever clock the caller keeps: the server's
/// continuous clock, or a test's virtual time.
package struct StreamSupervisor: Sendable {
    package enum Action: Sendable, Equatable {
        /// Write a `ping`; the supervisor counts it as written.
        case ping
        /// Write this error event, stop reading the upstream, and end the stream: the upstream
        /// stayed silent for the idle timeout.
        case endIdle(AnthropicError)
        /// Write this error event, stop reading the upstream, and end the stream: the server is
        /// shutting down and the grace period is nearly over.
        case endForShutdown(AnthropicError)
    }

    private enum State {
        /// The stream runs. Valid transitions:
        ///  - `.shuttingDown` (`shutdownBegan`)
        ///  - `.ended` (`streamEnded`, or a `tick` that ends it for an idle upstream)
        case running
        /// The server is shutting down, and the stream must end by `deadline`. Valid transitions:
        ///  - `.ended` (`streamEnded`, or a `tick` that ends it)
        case shuttingDown(deadline: Duration)
        /// Nothing is due any more, and every input is ignored.
        case ended
    }

    private static let shutdownError = AnthropicError(
        .overloaded, "The proxy is shutting down and this reply did not finish within its grace period (SHUTDOWN_GRACE_SECONDS); retry the request.",
        status: 529)

    private let pingInterval: Duration?
    private let idleTimeout: Duration
    private let shutdownGracePeriod: Duration
    private let providerName: String
    private var state = State.running
    private var lastWrite = Duration.zero
    private var lastUpstreamActivity = Duration.zero

    /// - Parameters:
    ///   - pingInterval: `nil` for an upstream that sends pings of its own (Anthropic), passed
    ///     through with the rest of its stream.
    ///   - providerName: the upstream's display name, which the idle error names.
    package init(pingInterval: Duration?, idleTimeout: Duration, shutdownGracePeriod: Duration, providerName: String) {
        self.pingInterval = pingInterval
        self.idleTimeout = idleTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.providerName = providerName
    }

    /// When `tick` should next be called; `nil` once the stream has ended.
    package var nextDeadline: Duration? {
        var deadline: Duration
        switch state {
        case .running: deadline = idleDeadline
        case .shuttingDown(let shutdownDeadline): deadline = min(idleDeadline, shutdownDeadline)
        case .ended: return nil
        }
        if let pingInterval { deadline = min(deadline, lastWrite + pingInterval) }
        return deadline
    }

    package mutating func upstreamActivity(at now: Duration) {
        lastUpstreamActivity = max(lastUpstreamActivity, now)
    }

    /// Anything written to the client, which postpones the next ping.
    package mutating func wrote(at now: Duration) {
        lastWrite = max(lastWrite, now)
    }

    package mutating func shutdownBegan(at now: Duration) {
        guard case .running = state else { return }
        state = .shuttingDown(deadline: now + shutdownGracePeriod - min(.seconds(1), shutdownGracePeriod / 2))
    }

    package mutating func streamEnded() {
        state = .ended
    }

    /// What is due at `now`: the stream's end when a deadline to end it has passed (the earlier
    /// one, when both have), else a ping when one is due, else nothing.
    package mutating func tick(at now: Duration) -> Action? {
        let shutdownDeadline: Duration?
        switch state {
        case .running: shutdownDeadline = nil
        case .shuttingDown(let deadline): shutdownDeadline = deadline
        case .ended: return nil
        }
        if now >= idleDeadline, shutdownDeadline.map({ idleDeadline < $0 }) ?? true {
            state = .ended
            let seconds = idleTimeout.components.seconds
            return .endIdle(
                AnthropicError(.timeout, "The \(providerName) upstream sent nothing for \(seconds) s (IDLE_TIMEOUT_SECONDS); the reply is incomplete.", status: 504))
        }
        if let shutdownDeadline, now >= shutdownDeadline {
            state = .ended
            return .endForShutdown(Self.shutdownError)
        }
        if let pingInterval, now >= lastWrite + pingInterval {
            lastWrite = now
            return .ping
        }
        return nil
    }

    private var idleDeadline: Duration {
        lastUpstreamActivity + idleTimeout
    }
}
