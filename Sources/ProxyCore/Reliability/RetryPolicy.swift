/// When a failed upstream attempt is tried again, and after how long.
///
/// Only failures the client has not seen any part of are retried: connection failures, a
/// connection closed before the reply, a reply that could not be used, and the statuses that say
/// "try again" (408, 429, 500, 502, 503, 504, 529), unless the upstream said
/// `x-should-retry: false`. A first-byte timeout is not: waiting it out again doubles the wait. Waits grow exponentially with
/// full jitter; an upstream's Retry-After is honoured when it is within `maximumWait`, and a
/// longer one is passed to the client instead of waited out.
package struct RetryPolicy: Sendable, Equatable {
    /// Attempts after the first, per request.
    package var maximumRetries: Int
    package var baseDelay: Duration
    package var maximumDelay: Duration
    /// The longest Retry-After the proxy waits out itself.
    package var maximumWait: Duration

    package init(maximumRetries: Int = 2, baseDelay: Duration = .milliseconds(500), maximumDelay: Duration = .seconds(8), maximumWait: Duration = .seconds(20)) {
        self.maximumRetries = maximumRetries
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumWait = maximumWait
    }

    /// Upstream statuses worth another attempt.
    private static let retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504, 529]

    package static func isRetryable(_ failure: UpstreamFailure) -> Bool {
        guard failure.shouldRetry != false else { return false }
        switch failure.cause {
        case .connect, .closed, .unusableReply, .explicitCacheMissing: return true
        case .status(let status): return retryableStatuses.contains(status)
        case .firstByteTimeout, .refusedLocally: return false
        }
    }

    /// How long to wait before retry number `retry` (1 for the first retry) of the same target, or
    /// `nil` when the upstream asked for a longer wait than `maximumWait`.
    /// - Parameter random: a value in 0..<1, for jitter.
    package func delay(beforeRetry retry: Int, after failure: UpstreamFailure, random: Double) -> Duration? {
        if let wait = failure.retryAfter {
            return wait <= maximumWait ? wait : nil
        }
        let exponential = baseDelay * (1 << min(max(retry - 1, 0), 16))
        return min(exponential, maximumDelay) * random
    }
}
