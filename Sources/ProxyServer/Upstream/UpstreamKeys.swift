import Crypto
import ProxyCore
import Synchronization

/// The key rings of every upstream, shared by all requests: each request takes the next key of its
/// target's ring, and a key the upstream refused rests for a while. With a board that instances
/// share (`UpstreamRestBoard`), a rest is posted there, and rests other instances posted are
/// taken here (see `SharedStateSync`): a key refused on one instance rests on all.
final class UpstreamKeys: Sendable {
    /// How long a key the upstream rejected as invalid (401) is left out.
    static let rejectedKeyRest = Duration.seconds(600)
    /// How long a throttled key (429) rests when the upstream did not say.
    static let throttledKeyRest = Duration.seconds(30)

    private struct State {
        var rings: [String: KeyRing] = [:]
        /// Rests other instances posted, by key fingerprint: applied to rings made later too.
        var sharedRests: [String: ContinuousClock.Instant] = [:]
        var fingerprints: [String: String] = [:]
    }

    private let state = Mutex(State())
    private let board: (any UpstreamRestBoard)?

    init(board: (any UpstreamRestBoard)? = nil) {
        self.board = board
    }

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
        let (alternative, fingerprint) = withRing(of: target) { ring, fingerprint in
            ring.rest(key, until: now + rest)
            return (ring.hasAlternative(to: key, at: now), fingerprint(key))
        }
        board?.post(fingerprint, until: UTCTime(millisecondsSince1970: UTCTime.now.millisecondsSince1970 + Self.milliseconds(rest)))
        return alternative
    }

    /// Takes the rests other instances posted (by key fingerprint, until when), for rings made
    /// now and later.
    func adopt(sharedRests: [String: UTCTime], now: UTCTime) {
        let instant = ContinuousClock.now
        state.withLock { state in
            state.sharedRests = sharedRests.mapValues { instant + .milliseconds($0.millisecondsSince1970 - now.millisecondsSince1970) }
            for (name, ring) in state.rings {
                var ring = ring
                Self.applySharedRests(to: &ring, in: &state)
                state.rings[name] = ring
            }
        }
    }

    /// A key's fingerprint, as the board names it: the first 16 hex digits of its SHA-256 (never the key).
    static func fingerprint(_ key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).prefix(8).hexDigits
    }

    /// Runs `body` on the target's ring, made on first use from the target's keys (with the rests
    /// other instances posted), and reconciled with them when a reload changed them.
    private func withRing<Result>(of target: RouteTarget, _ body: (inout KeyRing, _ fingerprint: (String) -> String) -> Result) -> Result {
        state.withLock { state in
            var ring: KeyRing
            if let existing = state.rings[target.keyVariable] {
                ring = existing.keys == target.apiKeys ? existing : existing.reconciled(with: target.apiKeys)
            } else {
                ring = KeyRing(keys: target.apiKeys)
                Self.applySharedRests(to: &ring, in: &state)
            }
            defer { state.rings[target.keyVariable] = ring }
            return body(&ring) { Self.fingerprint(of: $0, in: &state) }
        }
    }

    private func withRing<Result>(of target: RouteTarget, _ body: (inout KeyRing) -> Result) -> Result {
        withRing(of: target) { ring, _ in body(&ring) }
    }

    private static func applySharedRests(to ring: inout KeyRing, in state: inout State) {
        guard !state.sharedRests.isEmpty else { return }
        for key in ring.keys {
            if let until = state.sharedRests[fingerprint(of: key, in: &state)] { ring.rest(key, until: until) }
        }
    }

    private static func fingerprint(of key: String, in state: inout State) -> String {
        if let known = state.fingerprints[key] { return known }
        let fingerprint = fingerprint(key)
        state.fingerprints[key] = fingerprint
        return fingerprint
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
