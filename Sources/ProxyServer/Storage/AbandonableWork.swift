import Synchronization

/// Work given a deadline that is not waited for past it: at the deadline the caller gets the
/// timeout error and the work is cancelled and left to end by itself. (A task group would wait
/// for it: postgres-nio's pool, retrying a database that is gone, ignores the cancellation of a
/// query waiting for a connection, and a bounded call hung a whole test run that way.)
enum AbandonableWork {
    static func run<Result: Sendable>(
        within timeout: Duration, timeoutError: @escaping @Sendable () -> any Error, _ work: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let race = Race<Result>()
        return try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            let running = Task {
                let outcome: Swift.Result<Result, any Error>
                do {
                    outcome = .success(try await work())
                } catch {
                    outcome = .failure(error)
                }
                race.finish(with: outcome)
            }
            race.watch(Task {
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                if race.finish(with: .failure(timeoutError())) { running.cancel() }
            })
        }
    }

    /// Whichever ends first, the work or its deadline, resumes the caller; the deadline's timer
    /// is cancelled when the work wins.
    private final class Race<Result: Sendable>: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<Result, any Error>?, timer: Task<Void, Never>?, ended: Bool)>((nil, nil, false))

        func start(_ continuation: CheckedContinuation<Result, any Error>) {
            state.withLock { $0.continuation = continuation }
        }

        func watch(_ timer: Task<Void, Never>) {
            let ended = state.withLock { state in
                state.timer = timer
                return state.ended
            }
            if ended { timer.cancel() }
        }

        /// Resumes the caller unless it was resumed already; whether this did.
        @discardableResult
        func finish(with outcome: Swift.Result<Result, any Error>) -> Bool {
            let (continuation, timer) = state.withLock { state in
                defer { (state.continuation, state.ended) = (nil, true) }
                return (state.continuation, state.timer)
            }
            timer?.cancel()
            continuation?.resume(with: outcome)
            return continuation != nil
        }
    }
}
