/// Decides what a request does after each failed upstream attempt, before the client has seen any
/// of the reply: try the same target again (with another key at once, or after a backoff), move on
/// to the next fallback target, or give up with the error.
///
/// A state machine in the manner of the stream translators: the server carries out each action,
/// and every path is testable without a network. Fallbacks are the user's explicit choice, so
/// moving to one is immediate and does not use the retry budget; waiting and retrying the same
/// target does.
package struct AttemptPlanner: Sendable {
    package enum Action: Sendable, Equatable {
        /// Send the request to `targets[targetIndex]`, after waiting `delay`.
        case attempt(targetIndex: Int, delay: Duration)
        case giveUp(UpstreamFailure)
    }

    package let targets: [RouteTarget]
    private let policy: RetryPolicy
    package private(set) var targetIndex = 0
    /// Retries used so far, out of `policy.maximumRetries`.
    package private(set) var retriesUsed = 0
    /// Attempts made so far, the first included.
    package private(set) var attempts = 1

    package init(targets: [RouteTarget], policy: RetryPolicy) {
        precondition(!targets.isEmpty, "a request needs a target")
        self.targets = targets
        self.policy = policy
    }

    package var currentTarget: RouteTarget { targets[targetIndex] }

    /// The next step after the current attempt failed with `failure`.
    /// - Parameters:
    ///   - anotherKeyIsReady: the current target has a key other than the one just used that is
    ///     not resting, so a retry can go out at once (the failing key was rested before asking).
    ///   - random: a value in 0..<1, for the backoff's jitter.
    package mutating func next(after failure: UpstreamFailure, anotherKeyIsReady: Bool, random: Double) -> Action {
        let keyProblem = failure.rejectedKey || failure.throttled
        guard RetryPolicy.isRetryable(failure) || (keyProblem && anotherKeyIsReady) else { return .giveUp(failure) }
        if keyProblem, anotherKeyIsReady, retriesUsed < policy.maximumRetries {
            retriesUsed += 1
            return attempt(delay: .zero)
        }
        if targetIndex + 1 < targets.count {
            targetIndex += 1
            return attempt(delay: .zero)
        }
        guard retriesUsed < policy.maximumRetries, let delay = policy.delay(beforeRetry: retriesUsed + 1, after: failure, random: random) else {
            return .giveUp(failure)
        }
        retriesUsed += 1
        return attempt(delay: delay)
    }

    private mutating func attempt(delay: Duration) -> Action {
        attempts += 1
        return .attempt(targetIndex: targetIndex, delay: delay)
    }
}
