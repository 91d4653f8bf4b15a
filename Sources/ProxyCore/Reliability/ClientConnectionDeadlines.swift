/// The deadlines of one client connection, as a pure state machine. A client must send each
/// request's head, then its body, within their limits, and may leave a kept-alive connection
/// without a request for the idle limit; once a request is read, no limit applies while the proxy
/// answers it, however long a stream takes. The server tells it what happens on the connection and,
/// at `deadline`, asks `expired(at:)` whether the connection overran a limit.
///
/// Time is a `Duration` since any fixed start, on whatever clock the caller keeps: the event loop's,
/// or a test's virtual time.
package struct ClientConnectionDeadlines: Sendable {
    package struct Limits: Sendable, Equatable {
        /// From connecting, or from the first byte of a kept-alive connection's next request, to
        /// the end of the request's head (`CLIENT_HEADER_TIMEOUT_SECONDS`).
        package var head: Duration
        /// From the end of the head to the end of the body (`CLIENT_BODY_TIMEOUT_SECONDS`).
        package var body: Duration
        /// A kept-alive connection with no request under way (`CLIENT_IDLE_TIMEOUT_SECONDS`).
        package var idle: Duration

        package init(head: Duration, body: Duration, idle: Duration) {
            self.head = head
            self.body = body
            self.idle = idle
        }
    }

    /// The limit a connection overran.
    package enum Overrun: Sendable, Equatable {
        case head, body, idle
    }

    /// What of a request the client is sending.
    private enum Reading {
        /// Nothing: the proxy answers, or the connection idles. Valid transitions:
        ///  - `.head` (a byte arrives while no answer is under way)
        ///  - `.body` (a whole head arrives at once)
        case nothing
        /// A head, since `since`. Valid transitions: `.body` (the head is complete).
        case head(since: Duration)
        /// A body, timed from `since`. Valid transitions: `.nothing` (the body ends).
        case body(since: Duration)
    }

    private let limits: Limits
    private var reading: Reading
    /// Requests whose answer has not ended: more than one when the client pipelines.
    private var unanswered = 0
    /// When the last answer ended, the start of an idle connection's time.
    private var idleSince: Duration

    /// A connection opened at `openedAt`, which must send its first head within the head limit.
    package init(limits: Limits, openedAt: Duration) {
        self.limits = limits
        self.reading = .head(since: openedAt)
        self.idleSince = openedAt
    }

    /// When the connection overruns a limit unless something happens first; `nil` while the proxy
    /// answers (or waits to answer a pipelined request's body until the answers before it end).
    package var deadline: Duration? {
        switch reading {
        case .head(let since): since + limits.head
        case .body(let since): unanswered > 1 ? nil : since + limits.body
        case .nothing: unanswered > 0 ? nil : idleSince + limits.idle
        }
    }

    /// Bytes came in: on an idle connection, the next request's head has begun.
    package mutating func bytesArrived(at now: Duration) {
        if case .nothing = reading, unanswered == 0 { reading = .head(since: now) }
    }

    package mutating func headReceived(at now: Duration) {
        unanswered += 1
        reading = .body(since: now)
    }

    package mutating func bodyEnded(at now: Duration) {
        reading = .nothing
        if unanswered == 0 { idleSince = now }
    }

    /// An answer was written to its end (before its request's body ended, for an early refusal).
    package mutating func answerEnded(at now: Duration) {
        unanswered = max(0, unanswered - 1)
        switch reading {
        // A pipelined request's body is timed from the end of the answer before it.
        case .body where unanswered > 0: reading = .body(since: now)
        case .nothing where unanswered == 0: idleSince = now
        default: break
        }
    }

    /// The limit the connection has overrun at `now`, if any.
    package func expired(at now: Duration) -> Overrun? {
        guard let deadline, now >= deadline else { return nil }
        switch reading {
        case .head: return .head
        case .body: return .body
        case .nothing: return .idle
        }
    }
}
