import ProxyCore

extension PostgresUsageStore: PromptFingerprintBoard {
    /// How long a fingerprint is kept: a session's next request comes within minutes, or after a
    /// break, the next day at the latest (Anthropic keeps its own "for a limited time").
    static let fingerprintRetention = Duration.seconds(24 * 60 * 60)

    /// Keeps the fingerprint in the background (the request's next turn is seconds away, the write
    /// a millisecond), dropping those older than the retention in the same statement: no sweep.
    package func post(_ fingerprint: PromptFingerprint, owner: String, replyID: String) {
        let now = UTCTime.now
        let cutoff = UTCTime(millisecondsSince1970: now.millisecondsSince1970 - Int64(Self.fingerprintRetention / .milliseconds(1)))
        Task {
            // One that is not kept makes a later request on another instance previous_message_not_found.
            try? await migrateOnce()
            _ = try? await rows(
                """
                WITH expired AS (DELETE FROM prompt_fingerprints WHERE kept_at < $5)
                INSERT INTO prompt_fingerprints (message_id, owner, fingerprint, kept_at) VALUES ($1, $2, $3, $4) ON CONFLICT (message_id) DO NOTHING
                """,
                [.text(replyID), .text(owner), .text(fingerprint.encoded), .text(now.iso8601), .text(cutoff.iso8601)])
        }
    }

    package func fingerprint(replyID: String, owner: String) async throws -> PromptFingerprint? {
        try await migrateOnce()
        let rows = try await rows("SELECT fingerprint FROM prompt_fingerprints WHERE message_id = $1 AND owner = $2", [.text(replyID), .text(owner)])
        return rows.first?.text("fingerprint").flatMap(PromptFingerprint.init(encoded:))
    }
}
