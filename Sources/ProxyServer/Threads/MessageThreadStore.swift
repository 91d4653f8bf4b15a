import ProxyCore

/// Where message threads are kept between their turns (see `ThreadDirective`): this process's
/// memory (`MemoryThreadStore`), or the PostgreSQL database instances share, so that a thread made
/// on one instance is continued on another.
///
/// A thread is a line of replies: only its newest reply can be continued, by one turn at a time.
/// Every message handed in is as `ThreadConversation.held` keeps it.
protocol MessageThreadStore: Sendable {
    /// Keeps a new thread, `conversation` ending with its first reply, `replyID`.
    func create(_ conversation: ThreadConversation, replyID: String, at now: UTCTime) async throws

    /// The thread up to its reply `id`, for a turn that continues from it: no other turn may
    /// continue from `id` until this one `release`s it or `append`s its own reply.
    /// - Throws: `AnthropicError.threadNotFound` (also when `owner` is not the thread's),
    ///   `.threadAlreadyContinued`, `.threadContinueInFlight`; any other error when the store
    ///   cannot answer.
    func claim(_ id: String, owner: String, at now: UTCTime) async throws -> ThreadConversation

    /// The turn that claimed `id` ended without a reply to keep: `id` may be continued again.
    func release(_ id: String) async

    /// The turn that claimed `previousID` added `messages` (`jsonBytes` of JSON, about), its reply
    /// `replyID` the last of them: `previousID` is continued for good, and the thread goes on from
    /// `replyID`.
    func append(_ messages: [JSONValue], jsonBytes: Int, replyID: String, after previousID: String, at now: UTCTime) async throws
}
