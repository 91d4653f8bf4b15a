import ProxyCore
import Testing

@testable import ProxyServer

@Suite struct MemoryThreadStoreTests {
    private let now = UTCTime(millisecondsSince1970: 0)

    private func conversation(_ text: String, owner: String = "") -> ThreadConversation {
        ThreadConversation(
            owner: owner, fields: ["system": "Be brief."],
            messages: [["role": "user", "content": .string(text)], ["role": "assistant", "content": [["type": "text", "text": "ok"]]]])
    }

    private func expectError(_ code: String, _ work: () async throws -> Void) async {
        do {
            try await work()
            Issue.record("expected \(code)")
        } catch let error as AnthropicError {
            #expect(error.details?["error_code"] == .string(code), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aThreadIsALineOfRepliesContinuedOneTurnAtATime() async throws {
        let store = MemoryThreadStore(maximumBytes: 1 << 20)
        try await store.create(conversation("List files."), replyID: "msg_1", at: now)
        #expect(try await store.claim("msg_1", owner: "", at: now) == conversation("List files."))
        await expectError("thread_continue_in_flight") { _ = try await store.claim("msg_1", owner: "", at: now) }
        await store.release("msg_1")
        _ = try await store.claim("msg_1", owner: "", at: now)
        let turn: [JSONValue] = [["role": "user", "content": "And hidden ones?"], ["role": "assistant", "content": [["type": "text", "text": "None."]]]]
        try await store.append(turn, replyID: "msg_2", after: "msg_1", at: now)
        await expectError("thread_already_continued") { _ = try await store.claim("msg_1", owner: "", at: now) }
        let continued = try await store.claim("msg_2", owner: "", at: now)
        #expect(continued.messages == conversation("List files.").messages + turn)
        #expect(continued.fields == ["system": "Be brief."])
        #expect(store.threadCount == 1)
    }

    @Test func unknownIdsAndOtherOwnersFindNoThread() async throws {
        let store = MemoryThreadStore(maximumBytes: 1 << 20)
        try await store.create(conversation("Mine.", owner: "alice"), replyID: "msg_a", at: now)
        await expectError("thread_not_found") { _ = try await store.claim("msg_a", owner: "bob", at: now) }
        await expectError("thread_not_found") { _ = try await store.claim("msg_nope", owner: "alice", at: now) }
        #expect(try await store.claim("msg_a", owner: "alice", at: now).owner == "alice", "a refused claim claims nothing")
    }

    @Test func theLeastRecentlyUsedThreadGoesFirstWhenBytesRunOut() async throws {
        let one = 3 * JSONWriter.encodedCount(.array(conversation("A").messages))
        let store = MemoryThreadStore(maximumBytes: one * 2)
        try await store.create(conversation("A"), replyID: "msg_a", at: now)
        try await store.create(conversation("B"), replyID: "msg_b", at: now)
        // A is used again, so B is now the least recently used.
        _ = try await store.claim("msg_a", owner: "", at: now)
        await store.release("msg_a")
        try await store.create(conversation("C"), replyID: "msg_c", at: now)
        await expectError("thread_not_found") { _ = try await store.claim("msg_b", owner: "", at: now) }
        _ = try await store.claim("msg_a", owner: "", at: now)
        _ = try await store.claim("msg_c", owner: "", at: now)
        #expect(store.cost <= one * 2)
        #expect(store.threadCount == 2)
    }

    @Test func threadsAreBoundedInNumberToo() async throws {
        let store = MemoryThreadStore(maximumBytes: 1 << 30, maximumThreads: 3)
        for index in 0..<5 { try await store.create(conversation("\(index)"), replyID: "msg_\(index)", at: now) }
        #expect(store.threadCount == 3)
        await expectError("thread_not_found") { _ = try await store.claim("msg_1", owner: "", at: now) }
        _ = try await store.claim("msg_4", owner: "", at: now)
    }

    /// Creations, turns and claims in a long mixed order: the threads kept are those a plain list
    /// in order of use keeps.
    @Test func theThreadsKeptAreTheMostRecentlyUsedOverManyTurns() async throws {
        let store = MemoryThreadStore(maximumBytes: 1 << 30, maximumThreads: 4)
        var byUse: [String] = []
        var newest: [String: String] = [:]
        var evicted: [String] = []
        for step in 0..<300 {
            if step % 3 == 0 || byUse.isEmpty {
                let key = "msg_\(step)"
                try await store.create(conversation(key), replyID: key, at: now)
                byUse.append(key)
                newest[key] = key
                if byUse.count > 4 { evicted.append(byUse.removeFirst()) }
                continue
            }
            let key = byUse[(step * 7) % byUse.count]
            _ = try await store.claim(newest[key]!, owner: "", at: now)
            if step % 2 == 0 {
                try await store.append([["role": "user", "content": "more"]], replyID: "msg_\(step)", after: newest[key]!, at: now)
                newest[key] = "msg_\(step)"
            } else {
                await store.release(newest[key]!)
            }
            byUse.removeAll { $0 == key }
            byUse.append(key)
        }
        #expect(store.threadCount == byUse.count)
        for key in byUse { _ = try await store.claim(newest[key]!, owner: "", at: now) }
        for key in evicted.suffix(10) { await expectError("thread_not_found") { _ = try await store.claim(newest[key]!, owner: "", at: now) } }
    }

    @Test func aThreadEvictedWhileItsTurnRanIsNotKeptAgain() async throws {
        let one = 3 * JSONWriter.encodedCount(.array(conversation("A").messages))
        let store = MemoryThreadStore(maximumBytes: one)
        try await store.create(conversation("A"), replyID: "msg_a", at: now)
        _ = try await store.claim("msg_a", owner: "", at: now)
        try await store.create(conversation("B"), replyID: "msg_b", at: now)
        try await store.append([["role": "user", "content": "more"]], replyID: "msg_a2", after: "msg_a", at: now)
        await expectError("thread_not_found") { _ = try await store.claim("msg_a2", owner: "", at: now) }
        #expect(store.cost == one)
    }
}
