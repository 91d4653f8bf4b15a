import Glibc
import NIOPosix
import ProxyCore
import ServiceLifecycle

/// Gives the allocator's free memory back to the system (`malloc_trim`) when
/// `BulkWorkExecutor.trimSchedule` says so, looking every `interval`.
///
/// A trim of a large heap takes a while and cannot be interrupted, so it runs on NIO's thread
/// pool and is not waited for: on a thread of Swift's concurrency pool (two, on two cores) it held
/// one from every task of the server, and the service's shutdown waited for it.
struct AllocatorTrimmer: Service {
    var interval = Duration.seconds(1)

    /// Looks until shutdown begins, which ends the wait at once, and then trims no more: the
    /// process is about to give it all back anyway.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if !Task.isCancelled, BulkWorkExecutor.trimSchedule.withLock({ $0.trimsNow(at: .now) }) {
                    NIOThreadPool.singleton.submit { _ in Self.trim() }
                }
            }
        }
    }

    /// `malloc_trim(0)`, looked up at run time: Swift's Glibc module leaves out malloc.h.
    private static func trim() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        typealias MallocTrim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
    }
}
