/// Rotates requests over several API keys for one upstream, resting a key that was refused.
///
/// Each request takes the next key in turn. A key the upstream rejected (401) or throttled (429)
/// rests until a given time and is skipped meanwhile; when every key is resting, the one that
/// wakes first is used, so requests never fail for want of a key.
package struct KeyRing: Sendable, Equatable {
    package let keys: [String]
    private var cursor = 0
    private var restingUntil: [String: ContinuousClock.Instant] = [:]

    package init(keys: [String]) {
        self.keys = keys
    }

    /// The key for the next request, or `nil` when the ring holds none.
    package mutating func next(at now: ContinuousClock.Instant) -> String? {
        guard !keys.isEmpty else { return nil }
        for offset in 0..<keys.count {
            let key = keys[(cursor + offset) % keys.count]
            if let until = restingUntil[key], until > now { continue }
            restingUntil[key] = nil
            cursor = (cursor + offset + 1) % keys.count
            return key
        }
        return keys.min { restingUntil[$0, default: now] < restingUntil[$1, default: now] }
    }

    package mutating func rest(_ key: String, until instant: ContinuousClock.Instant) {
        guard keys.contains(key) else { return }
        restingUntil[key] = max(restingUntil[key] ?? instant, instant)
    }

    /// The ring for `keys` after a configuration change: a key kept keeps its rest, a key removed
    /// is forgotten, a key added starts ready.
    package func reconciled(with keys: [String]) -> KeyRing {
        var ring = KeyRing(keys: keys)
        ring.restingUntil = restingUntil.filter { keys.contains($0.key) }
        return ring
    }

    /// Whether a key other than `key` is available now, so a retry can go out without waiting.
    package func hasAlternative(to key: String, at now: ContinuousClock.Instant) -> Bool {
        keys.contains { $0 != key && (restingUntil[$0].map { $0 <= now } ?? true) }
    }
}
