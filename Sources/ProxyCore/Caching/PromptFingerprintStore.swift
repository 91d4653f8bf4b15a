import Synchronization

/// The fingerprints of recent requests that asked for cache diagnostics, under their replies' ids,
/// in this process's memory: bounded by bytes, the least recently used go first. Each is its
/// client's own: another client naming the id finds nothing.
package final class PromptFingerprintStore: Sendable {
    private struct Kept {
        let fingerprint: PromptFingerprint
        /// Whose request it was (see `ClientRequest.owner`).
        let owner: String
    }

    private let entries: Mutex<RecencyBoundedEntries<String, Kept>>

    /// - Parameter maximumBytes: 16 MB keeps about 500 conversations of 2,000 messages.
    package init(maximumBytes: Int = 16 << 20) {
        entries = Mutex(RecencyBoundedEntries(maximumCost: maximumBytes))
    }

    /// What the reply to a request with `fingerprint` says against the request whose reply was
    /// `previousMessageID` (nothing to compare on a first turn).
    package func diagnosis(of fingerprint: PromptFingerprint, previousMessageID: String?, owner: String) -> CacheDiagnosis {
        guard let previousMessageID else { return .unchanged }
        let previous = entries.withLock { $0.use(previousMessageID) { $0.owner == owner } }
        guard let previous else { return .missed(.previousMessageNotFound) }
        return fingerprint.missReason(since: previous.fingerprint).map { .missed($0) } ?? .unchanged
    }

    /// Keeps `fingerprint` under the id of the reply its request was given.
    package func keep(_ fingerprint: PromptFingerprint, owner: String, replyID: String) {
        let cost = fingerprint.size + owner.utf8.count + replyID.utf8.count
        entries.withLock { entries in
            entries.keep(Kept(fingerprint: fingerprint, owner: owner), cost: cost, for: replyID)
            entries.evictIfOver()
        }
    }

    /// How many fingerprints are kept, for tests.
    package var count: Int { entries.withLock { $0.count } }
}
