import ProxyCore

/// One upstream call carried through its attempt planner: each attempt goes to the planner's
/// current target with a key of it; a failure rests that key and goes where the planner says
/// (another key at once, the next target, or the same one after a backoff, logged). A client's
/// request runs so, and so does what a stream asks of the upstream once it has begun (a
/// compaction's reply), whose failures the client would otherwise see as the stream's end.
enum UpstreamAttempts {
    /// `call`'s result from the first attempt that succeeds.
    /// - Parameter attempting: told each attempt's target and number (1 for the first) as it starts.
    /// - Throws: the error the client gets once the planner gives up, or
    ///   `ClientWatchedExchange.clientLeft` when the client leaves meanwhile.
    static func run<Result>(
        _ planner: inout AttemptPlanner, services: ProxyServices, attempting: (RouteTarget, Int) -> Void = { _, _ in },
        _ call: (RouteTarget, String?) async throws(UpstreamFailure) -> Result
    ) async throws(AnthropicError) -> Result {
        while true {
            let target = planner.currentTarget
            attempting(target, planner.attempts)
            var key: String?
            do throws(UpstreamFailure) {
                key = try await services.credential(for: target)
                return try await call(target, key)
            } catch {
                if Task.isCancelled { throw ClientWatchedExchange.clientLeft }
                let anotherKeyIsReady = services.refused(key, of: target, with: error)
                switch planner.next(after: error, anotherKeyIsReady: anotherKeyIsReady, random: Double.random(in: 0..<1)) {
                case .giveUp(let failure):
                    throw failure.clientError
                case .attempt(let index, let delay):
                    try await retry(after: error, from: target, to: planner.targets[index], delay: delay, services: services)
                }
            }
        }
    }

    /// Logs a failed attempt and waits before the next one; a client that leaves meanwhile ends it.
    private static func retry(
        after failure: UpstreamFailure, from failed: RouteTarget, to next: RouteTarget, delay: Duration, services: ProxyServices
    ) async throws(AnthropicError) {
        let error = failure.clientError
        let milliseconds = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
        let line = "\(failed.qualifiedModel) failed (\(error.status) \(error.kind.rawValue): \(error.message)); trying \(next.qualifiedModel) in \(milliseconds) ms"
        services.logger.notice("\(services.redactor.redact(line))")
        do {
            try await LoopTimer.sleep(for: delay)
        } catch {
            throw ClientWatchedExchange.clientLeft
        }
    }
}
