import Logging
import ProxyCore
import ServiceLifecycle

/// Deletes, every `interval`, the threads of the shared database that no turn has created or
/// continued for the retention (`MESSAGE_THREAD_RETENTION_HOURS`, read at each sweep: it may
/// change while the proxy runs). Every instance sweeps; a sweep that finds nothing costs one query.
struct MessageThreadJanitor: Service {
    let threads: PostgresThreadStore
    let retention: @Sendable () -> Duration
    let logger: Logger
    var interval = Duration.seconds(10 * 60)
    var now: @Sendable () -> UTCTime = { UTCTime.now }

    /// Sweeps until shutdown begins, which ends the wait between sweeps at once.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One sweep; a database that cannot be reached is swept next time.
    func sweep() async {
        let cutoff = now().millisecondsSince1970 - Int64(retention() / .milliseconds(1))
        do {
            try await threads.deleteThreads(unusedSince: UTCTime(millisecondsSince1970: cutoff))
        } catch {
            logger.warning("message threads: the threads unused for the retention could not be deleted: \(error)")
        }
    }
}
