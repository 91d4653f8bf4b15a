import ProxyCore
import ServiceLifecycle

/// Reads what instances sharing a database post for each other every `interval` (the upstream keys
/// they rested, the prompt caches they made) and hands it to this instance's keepers of it.
struct SharedStateSync: Service {
    /// One reading; a database that cannot be read leaves things as they were until the next.
    let read: @Sendable (UTCTime) async -> Void
    var interval = Duration.seconds(2)

    /// The readings of the boards a database holds, when it holds them.
    static func readings(store: (any UsageStore)?, keys: UpstreamKeys, caches: ExplicitCaches) -> (@Sendable (UTCTime) async -> Void)? {
        let rests = store as? any UpstreamRestBoard
        let cacheBoard = store as? any ExplicitCacheBoard
        guard rests != nil || cacheBoard != nil else { return nil }
        return { now in
            if let shared = try? await rests?.rests(at: now) { keys.adopt(sharedRests: shared, now: now) }
            if let shared = try? await cacheBoard?.caches(at: now) { caches.adopt(shared, now: now) }
        }
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await read(UTCTime.now)
            try? await Task.sleep(for: interval)
        }
    }
}
