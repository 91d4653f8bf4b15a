import ProxyCore
import Synchronization

/// Message threads in the PostgreSQL database instances share (`message_threads` and
/// `message_thread_turns`), so that a thread made on one instance is continued on another.
///
/// Each turn writes only the messages it added, so a long conversation is not written again on
/// every turn; the conversations this instance recorded or read lately are kept in memory
/// (`RecentThreadConversations`), and a turn continuing one of them reads nothing back. Whether a
/// reply may be continued is always asked of the database: another instance may have continued it.
final class PostgresThreadStore: MessageThreadStore {
    /// How long a claim holds a reply: a turn that runs longer can still append its reply (unless
    /// another claimed it since), and the reply of an instance that died mid-turn is free again
    /// after it, not blocked for good. Longer than a turn's usual minutes, shorter than the hours
    /// a thread is kept.
    static let claimLease = Duration.seconds(15 * 60)

    private let database: PostgresUsageStore
    private let recent: RecentThreadConversations
    /// The end of the lease of each claim this instance holds, by reply id. It names the claim: a
    /// later claim of the reply, made once the lease ran out, ends its own lease later, and the
    /// release or append of this claim must leave that one alone.
    private let claims = Mutex<[String: String]>([:])

    /// - Parameters:
    ///   - database: the usage database, which holds the tables (brought up to date on first use).
    ///   - cacheBytes: what the conversations kept in memory may take.
    init(database: PostgresUsageStore, cacheBytes: Int) {
        self.database = database
        recent = RecentThreadConversations(maximumBytes: cacheBytes)
    }

    func create(_ conversation: ThreadConversation, replyID: String, at now: UTCTime) async throws {
        try await database.migrateOnce()
        // A thread created with a whole late session is megabytes to write: bulk work.
        let (fields, messages) = await BulkWorkExecutor.run(forBytes: conversation.jsonBytes) {
            (JSONWriter.string(.object(conversation.fields)), JSONWriter.string(.array(conversation.messages)))
        }
        _ = try await database.rows(
            """
            WITH thread AS (
                INSERT INTO message_threads (thread_id, owner, fields, last_used_at) VALUES ($1, $2, $3, $4) RETURNING thread_id
            )
            INSERT INTO message_thread_turns (message_id, thread_id, position, messages, state) SELECT thread_id, thread_id, 0, $5, 'open' FROM thread
            """,
            [.text(replyID), .text(conversation.owner), .text(fields), .text(now.iso8601), .text(messages)])
        recent.keep(conversation, replyID: replyID, jsonBytes: fields.utf8.count + messages.utf8.count)
    }

    func claim(_ id: String, owner: String, at now: UTCTime) async throws -> ThreadConversation {
        try await database.migrateOnce()
        let until = UTCTime(millisecondsSince1970: now.millisecondsSince1970 + Int64(Self.claimLease / .milliseconds(1))).iso8601
        // One statement, so that of the instances claiming a reply at once one wins; a lapsed
        // claim is taken over.
        let claimed = try await database.rows(
            """
            WITH claimed AS (
                UPDATE message_thread_turns AS turn SET state = 'continuing', claimed_until = $3
                FROM message_threads AS thread
                WHERE turn.message_id = $1 AND thread.thread_id = turn.thread_id AND thread.owner = $2
                    AND (turn.state = 'open' OR (turn.state = 'continuing' AND turn.claimed_until < $4))
                RETURNING turn.thread_id, turn.position
            ), used AS (
                UPDATE message_threads SET last_used_at = $4 WHERE thread_id IN (SELECT thread_id FROM claimed)
            )
            SELECT thread_id, position FROM claimed
            """,
            [.text(id), .text(owner), .text(until), .text(now.iso8601)])
        guard let row = claimed.first, let threadID = row.text("thread_id"), let position = row.integer("position") else {
            throw try await whyUnclaimed(id, owner: owner)
        }
        claims.withLock { $0[id] = until }
        if let conversation = recent.conversation(of: id) { return conversation }
        do {
            return try await load(id, threadID: threadID, through: position, owner: owner)
        } catch {
            await release(id)
            throw error
        }
    }

    func release(_ id: String) async {
        guard let until = claims.withLock({ $0.removeValue(forKey: id) }) else { return }
        // A release that does not reach the database leaves the claim to lapse.
        _ = try? await database.rows(
            "UPDATE message_thread_turns SET state = 'open', claimed_until = NULL WHERE message_id = $1 AND state = 'continuing' AND claimed_until = $2",
            [.text(id), .text(until)])
    }

    /// Nothing is kept when the claim on `previousID` was taken over after its lease ran out, or
    /// the thread was deleted meanwhile: the turn's reply then starts no thread.
    func append(_ messages: [JSONValue], jsonBytes: Int, replyID: String, after previousID: String, at now: UTCTime) async throws {
        guard let until = claims.withLock({ $0.removeValue(forKey: previousID) }) else { return }
        let delta = await BulkWorkExecutor.run(forBytes: jsonBytes) { JSONWriter.string(.array(messages)) }
        // One statement: the previous reply is continued exactly when the new one is kept.
        let kept = try await database.rows(
            """
            WITH previous AS (
                UPDATE message_thread_turns SET state = 'continued', claimed_until = NULL
                WHERE message_id = $1 AND state = 'continuing' AND claimed_until = $2
                RETURNING thread_id, position
            ), used AS (
                UPDATE message_threads SET last_used_at = $5 WHERE thread_id IN (SELECT thread_id FROM previous) RETURNING thread_id
            )
            INSERT INTO message_thread_turns (message_id, thread_id, position, messages, state)
            SELECT $3, previous.thread_id, previous.position + 1, $4, 'open' FROM previous JOIN used USING (thread_id)
            RETURNING position
            """,
            [.text(previousID), .text(until), .text(replyID), .text(delta), .text(now.iso8601)])
        guard !kept.isEmpty else { return }
        recent.extend(previousID, with: messages, messagesBytes: delta.utf8.count, replyID: replyID)
    }

    /// Deletes the threads no turn has created or continued since `cutoff`, with their turns.
    func deleteThreads(unusedSince cutoff: UTCTime) async throws {
        _ = try await database.rows("DELETE FROM message_threads WHERE last_used_at < $1", [.text(cutoff.iso8601)])
    }

    /// Reads the conversation up to the reply `id`, at `position` in its thread, and keeps it.
    private func load(_ id: String, threadID: String, through position: Int, owner: String) async throws -> ThreadConversation {
        // The fields first (as position -1), then each turn's messages in order.
        let rows = try await database.rows(
            """
            SELECT -1 AS position, fields AS json FROM message_threads WHERE thread_id = $1
            UNION ALL SELECT position, messages FROM message_thread_turns WHERE thread_id = $1 AND position <= $2
            ORDER BY position
            """,
            [.text(threadID), .integer(Int64(position))])
        let texts = rows.compactMap { $0.text("json") }
        let messagesBytes = texts.dropFirst().reduce(0) { $0 + $1.utf8.count }
        // A long thread is a late session's megabytes to parse: bulk work, off the event loop.
        let conversation = try await BulkWorkExecutor.run(forBytes: messagesBytes) { () throws(AnthropicError) -> ThreadConversation in
            // Fewer rows: the thread was deleted since the claim.
            guard texts.count == position + 2, case .object(let fields)? = try? JSONParser.parse(texts[0]) else {
                throw AnthropicError.threadNotFound(id)
            }
            var messages: [JSONValue] = []
            for text in texts.dropFirst() {
                guard case .array(let turn)? = try? JSONParser.parse(text) else { throw AnthropicError.threadNotFound(id) }
                messages += turn
            }
            return ThreadConversation(owner: owner, fields: fields, messages: messages, jsonBytes: messagesBytes)
        }
        recent.keep(conversation, replyID: id, jsonBytes: texts[0].utf8.count + conversation.jsonBytes)
        return conversation
    }

    /// Why `id` could not be claimed by `owner`; another owner's thread is not found, as it is to them.
    private func whyUnclaimed(_ id: String, owner: String) async throws -> AnthropicError {
        let rows = try await database.rows(
            """
            SELECT turn.state FROM message_thread_turns AS turn JOIN message_threads AS thread USING (thread_id)
            WHERE turn.message_id = $1 AND thread.owner = $2
            """,
            [.text(id), .text(owner)])
        switch rows.first?.text("state") {
        case nil: return .threadNotFound(id)
        case "continued": return .threadAlreadyContinued(id)
        // Continuing, or released a moment ago: another turn held it when this one asked.
        default: return .threadContinueInFlight(id)
        }
    }
}
