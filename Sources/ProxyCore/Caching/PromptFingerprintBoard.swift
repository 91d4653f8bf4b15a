/// Where instances sharing a database keep the fingerprints of the requests that asked for cache
/// diagnostics (PostgreSQL's `prompt_fingerprints`), so that a request names a reply another
/// instance gave. Only digests and token counts: never a prompt.
package protocol PromptFingerprintBoard: Sendable {
    /// Keeps `fingerprint` under `replyID`, for `owner`; does not wait.
    func post(_ fingerprint: PromptFingerprint, owner: String, replyID: String)
    /// The fingerprint kept under `replyID` for `owner`; nil when there is none.
    func fingerprint(replyID: String, owner: String) async throws -> PromptFingerprint?
}
