import ProxyCore
import Synchronization

/// Message threads kept in this process's memory, bounded by bytes and by threads: the least
/// recently used thread goes first, and a restart loses them all (the SDKs then send the whole
/// conversation again under a new thread, on `thread_not_found`).
final class MemoryThreadStore: MessageThreadStore {
    private struct KeptThread {
        var conversation: ThreadConversation
        /// The reply the next turn continues from; the thread's earlier replies are continued.
        var newestReplyID: String
        var replyIDs: [String]
        var claimed = false
        var lastUse: UInt64

        var cost: Int { ThreadConversation.costPerJSONByte * conversation.jsonBytes }
    }

    private struct State {
        /// By the id of the thread's first reply.
        var threads: [String: KeptThread] = [:]
        /// Every reply id of the threads kept, to its thread.
        var threadOfReply: [String: String] = [:]
        var cost = 0
        var clock: UInt64 = 0
        /// Each thread's key by its last use, and a last use no thread's is below: the least
        /// recently used is found by counting up from there, each use passed over once, rather
        /// than by looking at every thread each time one goes.
        var threadByUse: [UInt64: String] = [:]
        var oldestUse: UInt64 = 0

        /// Marks `thread` (kept under `key`) used now.
        mutating func use(_ thread: inout KeptThread, key: String) {
            threadByUse[thread.lastUse] = nil
            clock += 1
            thread.lastUse = clock
            threadByUse[clock] = key
        }

        /// The least recently used thread's key.
        mutating func leastRecentlyUsed() -> String? {
            while oldestUse <= clock {
                if let key = threadByUse[oldestUse] {
                    if threads[key]?.lastUse == oldestUse { return key }
                    threadByUse[oldestUse] = nil
                }
                oldestUse += 1
            }
            return nil
        }
    }

    private let state = Mutex(State())
    let maximumBytes: Int
    let maximumThreads: Int

    init(maximumBytes: Int, maximumThreads: Int = 10_000) {
        self.maximumBytes = maximumBytes
        self.maximumThreads = maximumThreads
    }

    /// The bytes the threads kept cost, for tests and the benchmark.
    var cost: Int { state.withLock { $0.cost } }
    var threadCount: Int { state.withLock { $0.threads.count } }

    func create(_ conversation: ThreadConversation, replyID: String, at now: UTCTime) async throws {
        state.withLock { state in
            var thread = KeptThread(conversation: conversation, newestReplyID: replyID, replyIDs: [replyID], lastUse: 0)
            state.use(&thread, key: replyID)
            state.threads[replyID] = thread
            state.threadOfReply[replyID] = replyID
            state.cost += thread.cost
            evict(&state, keeping: replyID)
        }
    }

    func claim(_ id: String, owner: String, at now: UTCTime) async throws -> ThreadConversation {
        try state.withLock { state throws(AnthropicError) in
            guard let key = state.threadOfReply[id], var thread = state.threads[key], thread.conversation.owner == owner else {
                throw .threadNotFound(id)
            }
            guard thread.newestReplyID == id else { throw .threadAlreadyContinued(id) }
            guard !thread.claimed else { throw .threadContinueInFlight(id) }
            thread.claimed = true
            state.use(&thread, key: key)
            state.threads[key] = thread
            return thread.conversation
        }
    }

    func release(_ id: String) async {
        state.withLock { state in
            guard let key = state.threadOfReply[id], state.threads[key]?.newestReplyID == id else { return }
            state.threads[key]?.claimed = false
        }
    }

    func append(_ messages: [JSONValue], jsonBytes: Int, replyID: String, after previousID: String, at now: UTCTime) async throws {
        state.withLock { state in
            // A thread evicted while its turn ran is not kept again.
            guard let key = state.threadOfReply[previousID], var thread = state.threads[key], thread.newestReplyID == previousID else { return }
            thread.conversation.append(messages, jsonBytes: jsonBytes)
            thread.newestReplyID = replyID
            thread.replyIDs.append(replyID)
            thread.claimed = false
            state.use(&thread, key: key)
            state.threads[key] = thread
            state.threadOfReply[replyID] = key
            state.cost += ThreadConversation.costPerJSONByte * jsonBytes
            evict(&state, keeping: key)
        }
    }

    /// Drops the least recently used threads until the rest fit, never the one just kept (the
    /// most recently used). Finding each took a look at every thread (10,000 at most) under the
    /// lock every turn waits for.
    private func evict(_ state: inout State, keeping kept: String) {
        while state.cost > maximumBytes || state.threads.count > maximumThreads {
            guard let key = state.leastRecentlyUsed(), key != kept, let oldest = state.threads.removeValue(forKey: key) else { break }
            state.threadByUse[oldest.lastUse] = nil
            state.cost -= oldest.cost
            for id in oldest.replyIDs { state.threadOfReply[id] = nil }
        }
    }
}
