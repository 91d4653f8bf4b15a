import Glibc
import NIOCore
import NIOPosix
import ProxyCore
import Synchronization

/// Runs the heavy steps of large requests (a late session's megabytes to parse, decode, translate
/// and write) on threads of their own, at a lower scheduling priority than the event loops.
///
/// On an event loop, a 4 MB request held it for about 10 ms, and every small request that loop
/// served waited behind it (a p99 of 50 ms beside 4 MB requests). Here the event loops take their
/// turn on the cores as soon as they have work: the kernel favours them over these threads. Only
/// those steps come here, and the exchange goes back to its event loop after each: run here
/// whole, every await of a request crossed threads, which cost a fifth of the throughput of 32
/// connections of 1 MB.
final class BulkWorkExecutor: TaskExecutor {
    /// The process's one: as many threads as cores, started on first use and kept for good.
    static let shared = BulkWorkExecutor(threads: System.coreCount)

    /// A request body at least this long is bulk work (Claude Code's first turn is about 40 KB).
    static let threshold = 256 * 1024

    /// `work`, here when `bytes` (the size of what it works on) reaches `threshold`, where it is
    /// otherwise.
    static func run<Result, Failure: Error>(
        forBytes bytes: Int, isolation: isolated (any Actor)? = #isolation, _ work: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        guard bytes >= threshold else { return try await work() }
        trimSchedule.withLock { $0.bulkWorkStarted() }
        // Not in a `defer`: there the release build unlocked the mutex on another thread than the
        // one that locked it (a fatal error), after the await.
        let result: Swift.Result<Result, Failure>
        do throws(Failure) {
            result = .success(try await withTaskExecutorPreference(shared, isolation: isolation, operation: work))
        } catch {
            result = .failure(error)
        }
        trimSchedule.withLock { $0.bulkWorkEnded(at: .now) }
        return try result.get()
    }

    /// When the memory bulk work freed goes back to the system (`AllocatorTrimmer`).
    static let trimSchedule = Mutex(AllocatorTrimSchedule(quiet: .seconds(10)))

    /// How far below the event loops the threads run: `nice` 5, a third of their share when both
    /// want a core. It is a share of the cores against every thread of the same scheduling group
    /// (the terminal session, the service's cgroup), not only the event loops: at `nice` 10 (a
    /// tenth), other busy processes beside the proxy left large requests next to nothing (a loaded
    /// test run waited over 30 s for some), for no gain that the small requests' latency beside
    /// them shows (`scripts/bench --alternate 6 --case beside-paced`: p99 within 1.4 ms, half the
    /// rounds either way).
    static let niceness: Int32 = 5

    private let pool: NIOThreadPool

    private init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pool.submit { _ in
            Self.lowerThisThreadsPriority()
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }

    /// Linux schedules threads, and keeps a niceness for each: set for the calling thread (`who`
    /// 0), on each of the pool's threads, once.
    private static func lowerThisThreadsPriority() {
        guard lowered.currentValue == nil else { return }
        lowered.currentValue = Lowered()
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
    }

    /// Set on the pool's threads whose priority was lowered.
    private static let lowered = ThreadSpecificVariable<Lowered>()
    private final class Lowered: Sendable {}
}
