import ProxyCore
import Synchronization

/// The key rings of every upstream, shared by all requests: each request takes the next key of its
/// target's ring, and a key the upstream refused rests for a while.
final class UpstreamKeys: Sendable {
    /// How long a key the upstream rejected as invalid (401) is left out.
    static let rejectedKeyRest = Duration.seconds(600)
    /// How long a throttled key (429) rests when the upstream did not say.
    static let throttledKeyRest = Duration.seconds(30)

    private let rings = Mutex<[String: KeyRing]>([:])

    /// The key for the next request to `target`, or `nil` when it has none.
    func next(for target: RouteTarget) -> String? {
        guard !target.apiKeys.isEmpty else { return nil }
        return withRing(of: target) { $0.next(at: .now) }
    }

    /// Rests `key` when the failure says the upstream refused it, and tells whether another key of
    /// the target is ready for a retry at once.
    func refused(_ key: String?, of target: RouteTarget, with failure: UpstreamFailure) -> Bool {
        guard let key, target.apiKeys.count > 1 else { return false }
        let rest: Duration
        if failure.rejectedKey {
            rest = Self.rejectedKeyRest
        } else if failure.throttled {
            rest = failure.retryAfter ?? Self.throttledKeyRest
        } else {
            return false
        }
        let now = ContinuousClock.now
        return withRing(of: target) { ring in
            ring.rest(key, until: now + rest)
            return ring.hasAlternative(to: key, at: now)
        }
    }

    /// Runs `body` on the target's ring, made on first use from the target's keys, and reconciled
    /// with them when a reload changed them.
    private func withRing<Result>(of target: RouteTarget, _ body: (inout KeyRing) -> Result) -> Result {
        rings.withLock { rings in
            var ring = rings[target.keyVariable].map { $0.keys == target.apiKeys ? $0 : $0.reconciled(with: target.apiKeys) } ?? KeyRing(keys: target.apiKeys)
            defer { rings[target.keyVariable] = ring }
            return body(&ring)
        }
    }
}
