import ProxyCore
import Testing

@testable import ProxyServer

/// Message threads in a real PostgreSQL, as instances sharing it keep them: each store here is one
/// instance (a pool of its own and its own memory of recent conversations).
@Suite(.postgres) struct PostgresThreadStoreTests {
    /// One instance of the proxy on the database.
    struct Instance {
        let usage: PostgresUsageStore
        let threads: PostgresThreadStore
    }

    static let start = UTCTime(iso8601: "2026-09-01T10:00:00.000Z")!
    static let owner = "team-a"
    static let fields: JSONObject = [
        "system": [["type": "text", "text": "You are terse."]],
        "tools": [["name": "get_weather", "input_schema": ["type": "object", "properties": ["city": ["type": "string"]]]]],
    ]
    static let firstTurn: [JSONValue] = [
        ["role": "user", "content": "What is the weather in Paris?"],
        [
            "role": "assistant",
            "content": [["type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": ["city": "Paris", "days": .number("1.50")]]],
        ],
    ]

    static func conversation(_ messages: [JSONValue] = firstTurn, owner: String = owner) -> ThreadConversation {
        ThreadConversation(owner: owner, fields: fields, messages: messages)
    }

    /// A later turn's messages: the user's, then the reply's.
    static func turn(_ number: Int) -> [JSONValue] {
        [
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": .string("toolu_\(number - 1)"), "content": "sunny, 21 °C"]]],
            ["role": "assistant", "content": [["type": "text", "text": .string("Reply \(number): \"sunny\"\n")]]],
        ]
    }

    /// One turn on `threads`: claims `previousID`, then appends `messages` with the reply `replyID`.
    static func continueThread(
        on threads: PostgresThreadStore, from previousID: String, to replyID: String, adding messages: [JSONValue], at time: UTCTime
    ) async throws {
        _ = try await threads.claim(previousID, owner: owner, at: time)
        try await threads.append(messages, replyID: replyID, after: previousID, at: time)
    }

    static func minutes(_ count: Int64) -> UTCTime {
        UTCTime(millisecondsSince1970: start.millisecondsSince1970 + count * 60_000)
    }

    /// Runs `body` with `count` instances on a new, migrated database, and closes them.
    static func withInstances(
        _ count: Int, cacheBytes: Int = 1 << 20, _ body: ([Instance], TestLedgerDatabase) async throws -> Void
    ) async throws {
        let database = try await TestLedgerDatabase(.postgres)
        var instances: [Instance] = []
        for _ in 0..<count {
            let usage = try #require(try await database.store() as? PostgresUsageStore)
            try await usage.migrate()
            instances.append(Instance(usage: usage, threads: PostgresThreadStore(database: usage, cacheBytes: cacheBytes)))
        }
        do {
            try await body(instances, database)
        } catch {
            for instance in instances { try? await instance.usage.close() }
            throw error
        }
        for instance in instances { try await instance.usage.close() }
    }

    @Test func aThreadCreatedOnOneInstanceIsClaimedWholeOnAnother() async throws {
        try await Self.withInstances(2) { instances, _ in
            let (one, other) = (instances[0].threads, instances[1].threads)
            try await one.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            // The other instance reads it back from the database.
            #expect(try await other.claim("msg_1", owner: Self.owner, at: Self.minutes(1)) == Self.conversation())
            await other.release("msg_1")
            #expect(try await one.claim("msg_1", owner: Self.owner, at: Self.minutes(2)) == Self.conversation())
        }
    }

    @Test func theInstanceThatRecordedAReplyDoesNotReadItsConversationBack() async throws {
        try await Self.withInstances(2) { instances, _ in
            let (one, other) = (instances[0], instances[1])
            try await one.threads.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            // Spoil what the database holds: only an instance that reads it back sees it.
            _ = try await one.usage.rows("UPDATE message_thread_turns SET messages = '[]' WHERE message_id = 'msg_1'", [])
            #expect(try await one.threads.claim("msg_1", owner: Self.owner, at: Self.minutes(1)) == Self.conversation())
            await one.threads.release("msg_1")
            #expect(try await other.threads.claim("msg_1", owner: Self.owner, at: Self.minutes(2)).messages == [])
        }
    }

    @Test func aContinuedThreadIsItsHistoryAndEachTurnAfter() async throws {
        try await Self.withInstances(2) { instances, _ in
            let (one, other) = (instances[0].threads, instances[1].threads)
            try await one.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            try await Self.continueThread(on: one, from: "msg_1", to: "msg_2", adding: Self.turn(2), at: Self.minutes(1))
            let whole = Self.conversation(Self.firstTurn + Self.turn(2))
            #expect(try await other.claim("msg_2", owner: Self.owner, at: Self.minutes(3)) == whole)
            await other.release("msg_2")
            // From the memory of the instance that appended it.
            #expect(try await one.claim("msg_2", owner: Self.owner, at: Self.minutes(4)) == whole)
        }
    }

    /// A thread begun with a whole late session, and a turn that adds a long tool result: both
    /// written on the bulk threads, read back whole on another instance.
    @Test func aLongConversationIsWrittenAndReadBackWhole() async throws {
        let long = String(repeating: "Output with \"quotes\", \\ and ünïcödé.\n", count: 300 * 1024 / 40)
        let history: [JSONValue] = [["role": "user", "content": .string(long)]] + Self.firstTurn
        let turn: [JSONValue] = [
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": .string(long)]]],
            ["role": "assistant", "content": [["type": "text", "text": "Long."]]],
        ]
        try await Self.withInstances(2) { instances, _ in
            let (one, other) = (instances[0].threads, instances[1].threads)
            try await one.create(Self.conversation(history), replyID: "msg_1", at: Self.start)
            #expect(try await other.claim("msg_1", owner: Self.owner, at: Self.minutes(1)) == Self.conversation(history))
            try await other.append(turn, replyID: "msg_2", after: "msg_1", at: Self.minutes(2))
            #expect(try await one.claim("msg_2", owner: Self.owner, at: Self.minutes(3)) == Self.conversation(history + turn))
        }
    }

    @Test func eachTurnWritesOnlyTheMessagesItAdded() async throws {
        try await Self.withInstances(1) { instances, database in
            let threads = instances[0].threads
            try await threads.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            for number in 2...3 {
                try await Self.continueThread(on: threads, from: "msg_\(number - 1)", to: "msg_\(number)", adding: Self.turn(number), at: Self.minutes(Int64(number)))
            }
            let rows = try await database.rows("message_thread_turns", order: "position")
            #expect(rows.map { $0["message_id"]?.string } == ["msg_1", "msg_2", "msg_3"])
            #expect(rows.map { $0["position"]?.integer } == [0, 1, 2])
            #expect(rows.map { $0["thread_id"]?.string } == ["msg_1", "msg_1", "msg_1"])
            #expect(rows.map { $0["state"]?.string } == ["continued", "continued", "open"])
            let written = try rows.map { try JSONParser.parse(try #require($0["messages"]?.string)) }
            #expect(written == [.array(Self.firstTurn), .array(Self.turn(2)), .array(Self.turn(3))])
            let threadRows = try await database.rows("message_threads", order: "thread_id")
            #expect(threadRows.count == 1)
            #expect(try JSONParser.parse(try #require(threadRows.first?["fields"]?.string)) == .object(Self.fields))
            #expect(threadRows.first?["last_used_at"]?.string == Self.minutes(3).iso8601)
        }
    }

    @Test func aReplyNoThreadKeepsIsNotFound() async throws {
        try await Self.withInstances(1) { instances, _ in
            let error = try await #require(throws: AnthropicError.self) {
                try await instances[0].threads.claim("msg_unknown", owner: Self.owner, at: Self.start)
            }
            #expect(error == .threadNotFound("msg_unknown"))
            #expect(error.status == 404)
            #expect(error.details?["error_code"] == "thread_not_found")
        }
    }

    @Test func anotherOwnersThreadIsNotFoundAndStaysFree() async throws {
        try await Self.withInstances(1) { instances, _ in
            let threads = instances[0].threads
            try await threads.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            await #expect(throws: AnthropicError.threadNotFound("msg_1")) {
                try await threads.claim("msg_1", owner: "team-b", at: Self.minutes(1))
            }
            // Once continued, it is not found by them either (not "already continued").
            #expect(try await threads.claim("msg_1", owner: Self.owner, at: Self.minutes(2)) == Self.conversation())
            try await threads.append(Self.turn(2), replyID: "msg_2", after: "msg_1", at: Self.minutes(3))
            await #expect(throws: AnthropicError.threadNotFound("msg_1")) {
                try await threads.claim("msg_1", owner: "team-b", at: Self.minutes(4))
            }
        }
    }

    @Test func aContinuedReplyCannotBeContinuedAgain() async throws {
        try await Self.withInstances(1) { instances, _ in
            let threads = instances[0].threads
            try await threads.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            try await Self.continueThread(on: threads, from: "msg_1", to: "msg_2", adding: Self.turn(2), at: Self.minutes(1))
            let error = try await #require(throws: AnthropicError.self) {
                try await threads.claim("msg_1", owner: Self.owner, at: Self.minutes(3))
            }
            #expect(error == .threadAlreadyContinued("msg_1"))
            #expect(error.status == 400)
            #expect(error.details?["error_code"] == "thread_already_continued")
        }
    }

    @Test func aReplyBeingContinuedIsNotClaimedTwiceUntilReleased() async throws {
        try await Self.withInstances(2) { instances, _ in
            let (one, other) = (instances[0].threads, instances[1].threads)
            try await one.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            _ = try await one.claim("msg_1", owner: Self.owner, at: Self.minutes(1))
            for threads in [one, other] {
                let error = try await #require(throws: AnthropicError.self) {
                    try await threads.claim("msg_1", owner: Self.owner, at: Self.minutes(2))
                }
                #expect(error == .threadContinueInFlight("msg_1"))
                #expect(error.details?["error_code"] == "thread_continue_in_flight")
            }
            await one.release("msg_1")
            #expect(try await other.claim("msg_1", owner: Self.owner, at: Self.minutes(3)) == Self.conversation())
        }
    }

    @Test func ofClaimsAtOnceOnTwoInstancesOneWins() async throws {
        try await Self.withInstances(2) { instances, _ in
            try await instances[0].threads.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            let outcomes = await withTaskGroup(of: Result<ThreadConversation, any Error>.self) { group in
                for index in 0..<8 {
                    let threads = instances[index % 2].threads
                    group.addTask {
                        do {
                            return .success(try await threads.claim("msg_1", owner: Self.owner, at: Self.minutes(1)))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.count(where: { (try? $0.get()) == Self.conversation() }) == 1)
            #expect(outcomes.count(where: { ($0.error as? AnthropicError) == .threadContinueInFlight("msg_1") }) == 7)
        }
    }

    @Test func anInstanceSeesTheTurnsAnotherAppended() async throws {
        try await Self.withInstances(2) { instances, _ in
            let (one, other) = (instances[0].threads, instances[1].threads)
            try await one.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            try await Self.continueThread(on: other, from: "msg_1", to: "msg_2", adding: Self.turn(2), at: Self.minutes(1))
            // The first instance still remembers msg_1's conversation; the database says it is continued.
            await #expect(throws: AnthropicError.threadAlreadyContinued("msg_1")) {
                try await one.claim("msg_1", owner: Self.owner, at: Self.minutes(3))
            }
            #expect(try await one.claim("msg_2", owner: Self.owner, at: Self.minutes(4)) == Self.conversation(Self.firstTurn + Self.turn(2)))
        }
    }

    @Test func aLapsedClaimIsTakenOverAndTheTurnThatHeldItChangesNothing() async throws {
        try await Self.withInstances(2) { instances, database in
            let (one, other) = (instances[0].threads, instances[1].threads)
            try await one.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            _ = try await one.claim("msg_1", owner: Self.owner, at: Self.minutes(1))
            await #expect(throws: AnthropicError.threadContinueInFlight("msg_1")) {
                try await other.claim("msg_1", owner: Self.owner, at: Self.minutes(15))
            }
            #expect(try await other.claim("msg_1", owner: Self.owner, at: Self.minutes(17)) == Self.conversation())
            // The turn whose claim lapsed ends after all: its release does not free the reply
            // the other turn holds now...
            await one.release("msg_1")
            await #expect(throws: AnthropicError.threadContinueInFlight("msg_1")) {
                try await one.claim("msg_1", owner: Self.owner, at: Self.minutes(18))
            }
            try await other.append(Self.turn(2), replyID: "msg_2", after: "msg_1", at: Self.minutes(19))
            // ...and its reply is not kept.
            _ = try await one.claim("msg_2", owner: Self.owner, at: Self.minutes(20))
            _ = try await other.claim("msg_2", owner: Self.owner, at: Self.minutes(40))
            try await one.append(Self.turn(3), replyID: "msg_late", after: "msg_2", at: Self.minutes(41))
            try await other.append(Self.turn(3), replyID: "msg_3", after: "msg_2", at: Self.minutes(42))
            let rows = try await database.rows("message_thread_turns", order: "position")
            #expect(rows.map { $0["message_id"]?.string } == ["msg_1", "msg_2", "msg_3"])
            #expect(try await one.claim("msg_3", owner: Self.owner, at: Self.minutes(43)) == Self.conversation(Self.firstTurn + Self.turn(2) + Self.turn(3)))
        }
    }

    @Test func theJanitorDeletesThreadsUnusedForTheRetention() async throws {
        try await Self.withInstances(1) { instances, database in
            let threads = instances[0].threads
            try await threads.create(Self.conversation(), replyID: "msg_old", at: Self.start)
            try await threads.create(Self.conversation(), replyID: "msg_continued", at: Self.start)
            try await Self.continueThread(on: threads, from: "msg_continued", to: "msg_continued_2", adding: Self.turn(2), at: Self.minutes(50))
            try await threads.create(Self.conversation(), replyID: "msg_new", at: Self.minutes(60))
            let janitor = MessageThreadJanitor(
                threads: threads, retention: { .seconds(3600) }, logger: TestLedgerDatabase.quiet, now: { Self.minutes(100) })
            await janitor.sweep()
            #expect(try await database.rows("message_threads", order: "thread_id").map { $0["thread_id"]?.string } == ["msg_continued", "msg_new"])
            #expect(
                try await database.rows("message_thread_turns", order: "message_id").map { $0["message_id"]?.string } == [
                    "msg_continued", "msg_continued_2", "msg_new",
                ])
            // The old thread is gone, even for the instance that remembers it.
            await #expect(throws: AnthropicError.threadNotFound("msg_old")) {
                try await threads.claim("msg_old", owner: Self.owner, at: Self.minutes(101))
            }
            #expect(try await threads.claim("msg_continued_2", owner: Self.owner, at: Self.minutes(101)).messages == Self.firstTurn + Self.turn(2))
        }
    }

    @Test func aDatabaseThatCannotAnswerIsNotAThreadError() async throws {
        try await Self.withInstances(1) { instances, database in
            try await instances[0].threads.create(Self.conversation(), replyID: "msg_1", at: Self.start)
            // An instance that waits 2 s, not the suite's patient minute.
            let usage = try #require(try await database.store(timeout: .seconds(2)) as? PostgresUsageStore)
            try await #require(PostgresServer.current).dropDatabase(database.setting)
            await #expect(throws: PostgresUnavailable.self) {
                try await PostgresThreadStore(database: usage, cacheBytes: 1 << 20).claim("msg_1", owner: Self.owner, at: Self.minutes(1))
            }
            try await usage.close()
        }
    }
}

extension Result {
    fileprivate var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
