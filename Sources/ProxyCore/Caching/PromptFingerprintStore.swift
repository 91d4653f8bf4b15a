import Synchronization

/// The fingerprints of recent requests that asked for cache diagnostics, under their replies' ids:
/// in this process's memory, bounded by bytes (the least recently used go first), and on the board
/// of instances sharing a database when there is one. Each is its client's own: another client
/// naming the id finds nothing.
package final class PromptFingerprintStore: Sendable {
    private struct Kept {
        let fingerprint: PromptFingerprint
        /// Whose request it was (see `ClientRequest.owner`).
        let owner: String
    }

    private let entries: Mutex<RecencyBoundedEntries<String, Kept>>
    private let board: (any PromptFingerprintBoard)?

    /// - Parameters:
    ///   - maximumBytes: 16 MB keeps about 500 conversations of 2,000 messages.
    ///   - board: where instances sharing a database keep them; nil for one instance.
    package init(maximumBytes: Int = 16 << 20, board: (any PromptFingerprintBoard)? = nil) {
        entries = Mutex(RecencyBoundedEntries(maximumCost: maximumBytes))
        self.board = board
    }

    /// What the reply to a request with `fingerprint` says against the request whose reply was
    /// `previousMessageID` (nothing to compare on a first turn). A board that does not answer
    /// leaves the question open: `unavailable`.
    package func diagnosis(of fingerprint: PromptFingerprint, previousMessageID: String?, owner: String) async -> CacheDiagnosis {
        guard let previousMessageID else { return .unchanged }
        var previous = entries.withLock { $0.use(previousMessageID) { $0.owner == owner } }?.fingerprint
        if previous == nil, let board {
            do {
                previous = try await board.fingerprint(replyID: previousMessageID, owner: owner)
            } catch {
                return .missed(.unavailable)
            }
            if let previous { remember(previous, owner: owner, replyID: previousMessageID) }
        }
        guard let previous else { return .missed(.previousMessageNotFound) }
        return fingerprint.missReason(since: previous).map { .missed($0) } ?? .unchanged
    }

    /// Keeps `fingerprint` under the id of the reply its request was given, here and on the board.
    package func keep(_ fingerprint: PromptFingerprint, owner: String, replyID: String) {
        remember(fingerprint, owner: owner, replyID: replyID)
        board?.post(fingerprint, owner: owner, replyID: replyID)
    }

    private func remember(_ fingerprint: PromptFingerprint, owner: String, replyID: String) {
        let cost = fingerprint.size + owner.utf8.count + replyID.utf8.count
        entries.withLock { entries in
            entries.keep(Kept(fingerprint: fingerprint, owner: owner), cost: cost, for: replyID)
            entries.evictIfOver()
        }
    }

    /// How many fingerprints are kept, for tests.
    package var count: Int { entries.withLock { $0.count } }
}
