/// Why one upstream attempt failed, in the terms the retry planner and the key rings decide on.
/// It carries the error the client gets if no other attempt succeeds, built once where the failure
/// was seen; nothing decides by reading that error's status, headers or text.
package struct UpstreamFailure: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Cause: Sendable, Equatable {
        /// No connection could be made (refused, unreachable, connect timeout).
        case connect
        /// The upstream did not start its reply in time. Not retried: waiting the whole timeout
        /// again would only double the wait.
        case firstByteTimeout
        /// The connection closed before the reply's head.
        case closed
        /// The upstream answered with this HTTP status (not a success).
        case status(Int)
        /// The reply began but could not be used: its body timed out, was cut, or is not what the
        /// API sends.
        case unusableReply
        /// The request was refused before it left: it cannot be translated for this upstream.
        case refusedLocally
        /// The explicit prompt cache the request was served from is gone (expired, deleted); the
        /// request goes again without it.
        case explicitCacheMissing
    }

    package var cause: Cause
    /// How long the upstream asked to wait (`retry-after`, `retry-after-ms`), in whole seconds.
    package var retryAfter: Duration?
    /// The upstream's own `x-should-retry`, when it sent one.
    package var shouldRetry: Bool?
    /// What the client is told when this failure ends the request.
    package var clientError: AnthropicError

    package init(_ cause: Cause, retryAfter: Duration? = nil, shouldRetry: Bool? = nil, clientError: AnthropicError) {
        self.cause = cause
        self.retryAfter = retryAfter
        self.shouldRetry = shouldRetry
        self.clientError = clientError
    }

    /// An error status, with the upstream's retry advice read from its response headers
    /// (lower-cased names).
    package init(status: Int, upstreamHeaders headers: [String: String], clientError: AnthropicError) {
        let seconds = headers["retry-after"].flatMap { UpstreamErrorMapping.wholeSeconds($0, unit: 1) }
            ?? headers["retry-after-ms"].flatMap { UpstreamErrorMapping.wholeSeconds($0, unit: 1000) }
        let shouldRetry = headers["x-should-retry"].flatMap { ["true": true, "false": false][$0.trimmingWhitespace().lowercased()] }
        self.init(.status(status), retryAfter: seconds.map { .seconds($0) }, shouldRetry: shouldRetry, clientError: clientError)
    }

    /// A request this proxy refuses before sending it anywhere.
    package static func refusedLocally(_ error: AnthropicError) -> UpstreamFailure {
        UpstreamFailure(.refusedLocally, clientError: error)
    }

    /// The key used was rejected (401): another key of the same upstream may work.
    package var rejectedKey: Bool { cause == .status(401) }
    /// The key used was throttled (429): another key of the same upstream may be free.
    package var throttled: Bool { cause == .status(429) }

    package var description: String { clientError.description }
}
