import ProxyCore
import ServiceLifecycle

/// Deletes the explicit prompt caches this instance made when it shuts down: storage is billed by
/// the hour until a cache expires. It gives the deletions `deadline` at most; what is left expires
/// by itself.
struct ExplicitCacheJanitor: Service {
    let caches: ExplicitCaches
    let live: LiveConfiguration
    var deadline: Duration = .seconds(5)

    func run() async throws {
        // Until shutdown begins; cancelled instead, there is no time to delete anything.
        try await gracefulShutdown()
        let upstream = live.snapshot.upstream
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await caches.deleteAll(through: upstream) }
            group.addTask { try? await LoopTimer.sleep(for: deadline) }
            await group.next()
            group.cancelAll()
        }
    }
}
