/// When to give the allocator's free memory back to the system: once large requests (bulk work)
/// have stopped for `quiet`, once for each burst of them.
///
/// The allocator keeps what a burst of megabyte requests freed, so that the next turn does not
/// fault its pages in again (see `ServeCommand.tuneMalloc`): right after a sweep of 4 MB sessions
/// the proxy held 436 MB, of which trimming gave back 232. A session's turns come seconds apart
/// and keep it; a proxy left alone gives it back.
package struct AllocatorTrimSchedule: Sendable {
    package let quiet: Duration
    private var running = 0
    /// When the last bulk work ended, while no trim has followed it.
    private var lastEnded: ContinuousClock.Instant?

    package init(quiet: Duration) {
        self.quiet = quiet
    }

    package mutating func bulkWorkStarted() {
        running += 1
    }

    package mutating func bulkWorkEnded(at now: ContinuousClock.Instant) {
        running -= 1
        lastEnded = now
    }

    /// Whether to trim at `now`; a trim is then counted as done, and the next waits for more bulk work.
    package mutating func trimsNow(at now: ContinuousClock.Instant) -> Bool {
        guard running == 0, let lastEnded, now - lastEnded >= quiet else { return false }
        self.lastEnded = nil
        return true
    }
}
