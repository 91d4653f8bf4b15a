import ProxyCore
import Testing

/// The conversation a client resends is taken from what the turn before parsed, and its long
/// strings from what it wrote, without changing one byte of what goes upstream.
@Suite struct ConversationPrefixCacheTests {
    // MARK: - Histories

    /// A Claude Code request with `messages` as given: the fixture's tools, system and settings.
    private static func body(_ messages: [JSONValue], fixture: ClaudeCodeFixture = .toolResultTurn) throws -> [UInt8] {
        var json = try #require(try loadClaudeCodeFixture(fixture).objectValue)
        json["messages"] = .array(messages)
        return JSONWriter.encode(.object(json))
    }

    /// Exchange `index`: an assistant turn (thinking with its signature, text, a Bash call) and the
    /// user turn with the call's result: long, multi-line, with unicode and characters to escape.
    private static func exchange(_ index: Int, resultLines: Int = 120, random: inout SeededSplitMix64) -> [JSONValue] {
        let id = "toolu_\(index)_\(random.next())"
        let lines = (0..<resultLines).map { line in
            "line \(line) of check \(index): naïve café 東京 🎉 \"quoted\" back\\slash\ttab \(random.below(1_000_000))"
        }
        return [
            [
                "role": "assistant",
                "content": [
                    ["type": "thinking", "thinking": .string("Check \(index) next."), "signature": .string("sig\(random.next())")],
                    ["type": "text", "text": .string("Running check \(index).")],
                    ["type": "tool_use", "id": .string(id), "name": "Bash", "input": ["command": .string("swift test --filter Check\(index)")]],
                ],
            ],
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": .string(id), "content": .string(lines.joined(separator: "\n"))]]],
        ]
    }

    /// The messages with a cache_control breakpoint on the last block only, as Claude Code sends them.
    private static func withBreakpoint(_ messages: [JSONValue]) -> [JSONValue] {
        guard var last = messages.last?.objectValue, var blocks = last["content"]?.arrayValue, var block = blocks.last?.objectValue else {
            return messages
        }
        block["cache_control"] = ["type": "ephemeral"]
        blocks[blocks.count - 1] = .object(block)
        last["content"] = .array(blocks)
        return messages.dropLast() + [.object(last)]
    }

    /// A message of `exchange` with its text block or tool result changed, its ids kept.
    private static func edited(_ message: JSONValue, mark: Int) -> JSONValue {
        guard var object = message.objectValue, var blocks = object["content"]?.arrayValue else { return message }
        let index = blocks.firstIndex { $0["type"] == "text" || $0["type"] == "tool_result" } ?? 0
        guard var block = blocks[index].objectValue else { return message }
        let field = block["type"] == "text" ? "text" : "content"
        block[field] = .string((block[field]?.stringValue ?? "") + " (edited \(mark))")
        blocks[index] = .object(block)
        object["content"] = .array(blocks)
        return .object(object)
    }

    private static let opening: [JSONValue] = [
        ["role": "user", "content": [["type": "text", "text": "Run the checks one by one and fix what fails."]]],
    ]

    // MARK: - Parsing

    @Test func aLaterTurnParsesOnlyWhatIsNewAndToWhatParsingGives() throws {
        var random = SeededSplitMix64(seed: 7)
        var history = Self.opening
        for index in 0..<6 { history += Self.exchange(index, random: &random) }
        let cache = ConversationPrefixCache()
        let first = try Self.body(Self.withBreakpoint(history))
        #expect(try JSONParser.parse(first, conversations: cache) == JSONParser.parse(first))
        #expect(cache.reusedBytes == 0, "the first turn pays in full")

        // Every element but the first two (which find the conversation), the one the breakpoint
        // moves off and the new exchange comes from the cache.
        let unchanged = history.dropLast().dropFirst(2).reduce(0) { $0 + JSONWriter.encode($1).count }
        history += Self.exchange(6, random: &random)
        let second = try Self.body(Self.withBreakpoint(history))
        #expect(try JSONParser.parse(second, conversations: cache) == JSONParser.parse(second))
        #expect(cache.reusedBytes == unchanged)
    }

    /// Turns of randomised sessions, interleaved, with what changes a conversation in the middle:
    /// a moved breakpoint, an edited message, a rewind, a compaction. Every turn parses to what a
    /// plain parse gives, and its translation for each protocol is the same bytes.
    @Test(arguments: 1...4 as ClosedRange<UInt64>)
    func randomisedHistoriesParseAndTranslateToTheSameBytes(seed: UInt64) throws {
        var random = SeededSplitMix64(seed: seed)
        let conversations = ConversationPrefixCache(maximumConversations: 3)
        let strings = JSONStringEscapes()
        var sessions: [[JSONValue]] = (0..<4).map { session in [["role": "user", "content": .string("Session \(session) of seed \(seed): go.")]] }
        var next = 0
        for _ in 0..<40 {
            let session = random.below(sessions.count)
            switch random.below(10) {
            case 0 where sessions[session].count > 5:
                // A rewind: back to an earlier turn, then on from there.
                sessions[session].removeLast(2 * (1 + random.below((sessions[session].count - 1) / 2)))
            case 1 where sessions[session].count > 3:
                // An edit in the middle: a reply's text, or a tool's result.
                let index = 1 + random.below(sessions[session].count - 2)
                sessions[session][index] = Self.edited(sessions[session][index], mark: next)
            case 2:
                // A compaction: a new first message, the summary.
                sessions[session] = [["role": "user", "content": .string("Summary \(next) of what came before.")]]
            default:
                sessions[session] += Self.exchange(next, resultLines: 5 + random.below(200), random: &random)
            }
            next += 1
            let body = try Self.body(Self.withBreakpoint(sessions[session]))
            let reused = try JSONParser.parseRequest(body, conversations: conversations)
            let fresh = try JSONParser.parse(body)
            #expect(reused.value == fresh)
            // Where the passthrough finds the model: the same with messages taken from the cache.
            let scanned = try body.withUnsafeBytes { bytes throws(JSONParseError) in try JSONParser.topLevelMemberRanges(bytes) }
            #expect(reused.memberRanges.map(\.key) == scanned.map(\.key) && reused.memberRanges.map(\.range) == scanned.map(\.range))
            for model in ["openai/gpt-4.1", "gemini/gemini-2.5-flash", "responses/gpt-5"] {
                let translated = try Self.translated(reused.value, derivedFromMessages: reused.derivedFromMessages, model: model, strings: strings)
                #expect(try translated == Self.translated(fresh, model: model, strings: nil), "\(model)")
            }
            try Self.expectSameExplicitCachePrefix(reused, fresh: fresh, strings: strings)
        }
        #expect(conversations.reusedBytes > 0)
        #expect(conversations.usage.conversations <= 3)
        #expect(strings.usage.strings > 0)
    }

    @Test(arguments: ClaudeCodeFixture.allCases)
    func everyFixtureTranslatesToTheSameBytesOnALaterTurn(fixture: ClaudeCodeFixture) throws {
        let body = try loadClaudeCodeFixtureBody(fixture)
        let conversations = ConversationPrefixCache()
        let strings = JSONStringEscapes()
        let fresh = try Self.translated(try JSONParser.parse(body), model: "openai/gpt-4.1", strings: nil)
        for _ in 0..<3 {
            let reused = try JSONParser.parseRequest(body, conversations: conversations)
            #expect(try Self.translated(reused.value, derivedFromMessages: reused.derivedFromMessages, model: "openai/gpt-4.1", strings: strings) == fresh)
        }
        let messages = try #require(try loadClaudeCodeFixture(fixture)["messages"]?.arrayValue)
        #expect(conversations.reusedBytes > 0 || messages.count <= 2, "beyond the two that find it, a conversation is reused")
    }

    private static let configuration = try! ProxyConfiguration(environment: ["OPENAI_API_KEY": "sk", "GEMINI_API_KEY": "g"])
    private static let router = ModelRouter(configuration: configuration)
    private static let catalog = ModelCatalog(configuration: configuration)

    private static func translated(
        _ json: JSONValue, derivedFromMessages: [DerivedValue]? = nil, model: String, strings: JSONStringEscapes?
    ) throws -> [UInt8] {
        let request = try MessagesRequest(json: json, derivedFromMessages: derivedFromMessages)
        let target = try router.route(model)
        switch target.provider {
        case .gemini: return try GeminiAdapter(request: request, target: target, catalog: catalog).requestBody(reusing: strings).bytes
        case .openAIResponses: return try OpenAIResponsesAdapter(request: request, target: target, catalog: catalog).requestBody(reusing: strings).bytes
        default: return try OpenAIChatAdapter(request: request, target: target, catalog: catalog).requestBody(reusing: strings).bytes
        }
    }

    /// Gemini's explicit prompt cache of a request parsed with kept conversations and written
    /// from kept messages: the same digests and the same bytes for each request it makes.
    private static func expectSameExplicitCachePrefix(
        _ reused: ParsedRequest, fresh: JSONValue, strings: JSONStringEscapes
    ) throws {
        let target = try router.route("gemini/gemini-2.5-flash")
        let request = try MessagesRequest(json: reused.value, derivedFromMessages: reused.derivedFromMessages)
        let kept = try GeminiAdapter(request: request, target: target, catalog: catalog).explicitCachePrefix(reusing: strings)
        let plain = try GeminiAdapter(request: try MessagesRequest(json: fresh), target: target, catalog: catalog).explicitCachePrefix()
        guard let kept, let plain else { return #expect(kept == nil && plain == nil) }
        #expect(kept.digests == plain.digests && kept.estimatedTokens == plain.estimatedTokens)
        #expect(kept.plainBody.bytes == plain.plainBody.bytes)
        for count in 0...plain.contentCount {
            #expect(kept.creationBody(contentCount: count).bytes == plain.creationBody(contentCount: count).bytes)
            #expect(
                kept.requestBody(cachedContent: "cachedContents/c", contentCount: count).bytes
                    == plain.requestBody(cachedContent: "cachedContents/c", contentCount: count).bytes)
        }
    }

    // MARK: - Translated messages

    /// A session's turns, each translated with the messages kept from the turn before, for a
    /// model and then another whose translation of the same messages differs (the system role, the
    /// reasoning signatures matched against the model): never a stale message.
    @Test(arguments: [
        ("openai/gpt-4.1", "openai/gpt-5"), ("responses/gpt-5", "responses/o3"), ("openai/gpt-5", "responses/gpt-5"),
        ("gemini/gemini-2.5-flash", "gemini/gemini-3-pro-preview"), ("gemini/gemini-3-pro-preview", "openai/gpt-5"),
    ])
    func aKeptMessageIsOnlyReusedForTheSameTranslation(models: (String, String)) throws {
        var random = SeededSplitMix64(seed: 11)
        let strings = JSONStringEscapes()
        let conversations = ConversationPrefixCache()
        var history = Self.opening + [["role": "system", "content": "Mind the tests."] as JSONValue]
        for index in 0..<4 {
            history += Self.exchange(index, resultLines: 40, random: &random)
            // Kept both ways: in the cache of translated messages, and with each reused message's decoding.
            let parsed = try JSONParser.parseRequest(try Self.body(Self.withBreakpoint(history)), conversations: conversations)
            for model in [models.0, models.1, models.0] {
                let translated = try Self.translated(parsed.value, derivedFromMessages: parsed.derivedFromMessages, model: model, strings: strings)
                #expect(try translated == Self.translated(parsed.value, model: model, strings: nil), "\(model)")
            }
        }
        #expect(strings.translatedMessages.usage.messages > 0)
        #expect(conversations.reusedBytes > 0)
    }

    /// Gemini names each tool result after the call it answers, from an earlier message: a result
    /// kept from a turn whose call had another name is translated again, never reused.
    @Test func aGeminiToolResultFollowsTheNameOfTheCallItAnswers() throws {
        var random = SeededSplitMix64(seed: 14)
        let strings = JSONStringEscapes()
        let conversations = ConversationPrefixCache()
        var history = Self.opening
        for index in 0..<3 { history += Self.exchange(index, random: &random) }
        func translate() throws {
            let parsed = try JSONParser.parseRequest(try Self.body(Self.withBreakpoint(history)), conversations: conversations)
            let translated = try Self.translated(parsed.value, derivedFromMessages: parsed.derivedFromMessages, model: "gemini/gemini-2.5-flash", strings: strings)
            #expect(try translated == Self.translated(parsed.value, model: "gemini/gemini-2.5-flash", strings: nil))
            #expect(String(decoding: translated, as: UTF8.self).contains(#""functionResponse":{"name":"Read""#) == (history[3]["content"]?[2]?["name"] == "Read"))
        }
        try translate()
        try translate()
        try translate()
        // The second call is renamed; its result's message stays byte for byte what it was.
        var call = try #require(history[3].objectValue)
        var blocks = try #require(call["content"]?.arrayValue)
        var toolUse = try #require(blocks[2].objectValue)
        toolUse["name"] = "Read"
        blocks[2] = .object(toolUse)
        call["content"] = .array(blocks)
        history[3] = .object(call)
        try translate()
        try translate()
    }

    /// Reasoning replayed to a server that wants it back, or not: two translations of one message.
    @Test func replayedReasoningIsPartOfAKeptMessagesTranslation() throws {
        let strings = JSONStringEscapes()
        let json: JSONValue = [
            "model": "m", "max_tokens": 100,
            "messages": [
                ["role": "user", "content": "Hi"],
                ["role": "assistant", "content": [["type": "thinking", "thinking": "Greet back.", "signature": ""], ["type": "text", "text": "Hello"]]],
                ["role": "user", "content": "Again"],
            ],
        ]
        let request = try MessagesRequest(json: json)
        for replays in [true, false, true] {
            let translator = OpenAIChatRequestTranslator(
                model: "m", profile: ModelProfile(maxOutputTokens: 1000), options: OpenAIChatOptions(replaysReasoning: replays))
            #expect(try translator.encode(request, reusing: strings).bytes == JSONWriter.encode(try translator.translate(request)), "replays: \(replays)")
        }
    }

    /// Messages that are equal but not the same bytes (`JSONValue` and `String` equality are looser)
    /// translate to their own bytes: numbers written differently, members in another order, text in
    /// another Unicode normalisation.
    @Test func anEqualMessageWrittenOtherwiseIsNotReused() throws {
        let strings = JSONStringEscapes()
        // Combining marks in either order: canonically equivalent, as long, and not the same bytes.
        let padding = String(repeating: "Count the marks. ", count: 4)
        let marks = padding + "a\u{301}\u{316}" + padding
        let reordered = padding + "a\u{316}\u{301}" + padding
        #expect(marks == reordered && marks.utf8.count == reordered.utf8.count)
        let variants: [(input: JSONValue, text: String)] = [
            (["count": .number("1"), "a": "x", "b": "y"], marks),
            (["count": .number("1.0"), "a": "x", "b": "y"], marks),
            (["count": .number("1.0"), "b": "y", "a": "x"], marks),
            (["count": .number("1.0"), "b": "y", "a": "x"], reordered),
        ]
        for variant in variants {
            let messages: [JSONValue] = [
                ["role": "user", "content": "Count."],
                ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_1", "name": "Count", "input": variant.input]]],
                ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": .string(variant.text)]]],
            ]
            let json = try JSONParser.parse(try Self.body(messages))
            for model in ["openai/gpt-4.1", "responses/gpt-5"] {
                #expect(try Self.translated(json, model: model, strings: strings) == Self.translated(json, model: model, strings: nil), "\(model) \(variant)")
            }
        }
    }

    /// A first turn is written straight into the body, kept nowhere; from the second on, the
    /// conversation's messages are kept, and a later turn translates only its new messages.
    @Test func aConversationIsKeptFromItsSecondTurnOn() throws {
        var random = SeededSplitMix64(seed: 12)
        let strings = JSONStringEscapes()
        var history = Self.opening
        for index in 0..<5 { history += Self.exchange(index, random: &random) }
        func translate() throws {
            let json = try JSONParser.parse(try Self.body(Self.withBreakpoint(history)))
            #expect(try Self.translated(json, model: "openai/gpt-4.1", strings: strings) == Self.translated(json, model: "openai/gpt-4.1", strings: nil))
        }
        try translate()
        #expect(strings.translatedMessages.usage.messages == 0)
        history += Self.exchange(5, random: &random)
        try translate()
        #expect(strings.translatedMessages.usage.messages == history.count)
        // The message the breakpoint moved off translates as before: only the new exchange is added.
        history += Self.exchange(6, random: &random)
        try translate()
        #expect(strings.translatedMessages.usage.messages == history.count)
        // Another conversation's first turn is not kept either.
        let other = [["role": "user", "content": "Something else entirely."] as JSONValue] + history.dropFirst()
        _ = try Self.translated(try JSONParser.parse(try Self.body(other)), model: "openai/gpt-4.1", strings: strings)
        #expect(strings.translatedMessages.usage.messages == history.count)
    }

    @Test func translatedMessagesAreKeptWithinTheirBytes() throws {
        var random = SeededSplitMix64(seed: 13)
        let strings = JSONStringEscapes(maximumBytes: 20_000)
        let bound = strings.translatedMessages.maximumBytes
        var history = Self.opening
        for index in 0..<20 {
            history += Self.exchange(index, resultLines: 30, random: &random)
            let json = try JSONParser.parse(try Self.body(history))
            #expect(try Self.translated(json, model: "openai/gpt-4.1", strings: strings) == Self.translated(json, model: "openai/gpt-4.1", strings: nil))
            #expect(strings.translatedMessages.usage.cost <= bound)
        }
        #expect(strings.translatedMessages.usage.messages < history.count, "the oldest went")
    }

    // MARK: - Decoded messages

    /// A message reused from the turn before brings its decoding along (its `DerivedValue` is the
    /// same), a new one gets a place of its own, and what is decoded is what a fresh decode gives.
    @Test func aReusedMessageBringsItsDecodingAlong() throws {
        var random = SeededSplitMix64(seed: 21)
        let cache = ConversationPrefixCache()
        var history = Self.opening
        for index in 0..<3 { history += Self.exchange(index, random: &random) }
        let first = try JSONParser.parseRequest(try Self.body(history), conversations: cache)
        let firstDerived = try #require(first.derivedFromMessages)
        #expect(firstDerived.count == history.count)
        #expect(try MessagesRequest(json: first.value, derivedFromMessages: firstDerived) == MessagesRequest(json: first.value))

        history += Self.exchange(3, random: &random)
        let second = try JSONParser.parseRequest(try Self.body(history), conversations: cache)
        let secondDerived = try #require(second.derivedFromMessages)
        #expect(secondDerived.count == history.count)
        for index in firstDerived.indices { #expect(secondDerived[index] === firstDerived[index], "message \(index)") }
        for index in firstDerived.count..<history.count { #expect(!firstDerived.contains { $0 === secondDerived[index] }, "message \(index)") }
        let decoded = try MessagesRequest(json: second.value, derivedFromMessages: secondDerived)
        #expect(decoded == (try MessagesRequest(json: second.value)))

        // What is kept is what is used: a message planted in a reused element's place comes back.
        let planted = MessagesRequest.Message(role: .user, content: [.text("planted")])
        secondDerived[1].set(DecodedMessage(planted, loadedTools: []))
        #expect(try MessagesRequest(json: second.value, derivedFromMessages: secondDerived).messages[1] == planted)
        // Places that do not match the messages (another request's) are not used.
        #expect(try MessagesRequest(json: second.value, derivedFromMessages: Array(secondDerived.dropLast())) == decoded)
    }

    /// A request's token estimate, from each decoded message's own count, is what a fresh decode
    /// gives; its decoded messages go when its messages change, and the estimate follows them.
    @Test func decodedMessagesGoWhenTheMessagesChange() throws {
        var random = SeededSplitMix64(seed: 22)
        let cache = ConversationPrefixCache()
        var history = Self.opening
        for index in 0..<3 {
            history += Self.exchange(index, random: &random)
            _ = try JSONParser.parseRequest(try Self.body(history), conversations: cache)
        }
        history += Self.exchange(3, random: &random)
        let parsed = try JSONParser.parseRequest(try Self.body(history), conversations: cache)
        let request = try MessagesRequest(json: parsed.value, derivedFromMessages: parsed.derivedFromMessages)
        #expect(request.decodedMessages?.count == history.count)
        #expect(TokenEstimator.estimate(request) == TokenEstimator.estimate(try MessagesRequest(json: parsed.value)))

        var changed = request
        changed.messages.removeLast(2)
        #expect(changed.decodedMessages == nil)
        #expect(changed == (try MessagesRequest(json: try JSONParser.parse(try Self.body(Array(history.dropLast(2)))))))
        #expect(TokenEstimator.estimate(changed) < TokenEstimator.estimate(request))
    }

    /// A message reused from a kept conversation brings what it was last translated to along, in
    /// its decoding: with nothing in the cache of translated messages, a later turn translates
    /// only its new messages, to the same bytes; a planted translation comes back (so the kept
    /// one is what is used); another context translates everything again.
    @Test func aReusedMessageBringsItsTranslationAlong() throws {
        var random = SeededSplitMix64(seed: 23)
        let conversations = ConversationPrefixCache()
        let strings = JSONStringEscapes(translatedMessageBytes: 0)
        var history = Self.opening
        let body: JSONObject = ["messages": []]
        var translations = 0
        func translate(_: Int, _ message: MessagesRequest.Message) -> [JSONValue] {
            translations += 1
            return [.string("\(message.role.rawValue) of \(message.content.count)")]
        }
        func turn(context: String = "test") throws -> (bytes: [UInt8], fresh: [UInt8], request: MessagesRequest) {
            translations = 0
            let parsed = try JSONParser.parseRequest(try Self.body(history), conversations: conversations)
            let request = try MessagesRequest(json: parsed.value, derivedFromMessages: parsed.derivedFromMessages)
            let bytes = try strings.translatedMessages.encode(
                body, appendingMessagesOf: request, toArrayAt: "messages", context: context, reusing: strings, translate: translate
            ).bytes
            let fresh = JSONWriter.encode(.object(try TranslatedMessageCache.translated(body, appending: request.messages, toArrayAt: "messages", translate: translate)))
            return (bytes, fresh, request)
        }
        for index in 0..<2 {
            history += Self.exchange(index, random: &random)
            _ = try turn()
            #expect(translations == 2 * history.count, "the first two turns translate every message (and so does the fresh translation)")
        }
        history += Self.exchange(2, random: &random)
        let third = try turn()
        #expect(translations == 2 + history.count)
        #expect(third.bytes == third.fresh)
        #expect(strings.translatedMessages.usage.messages == 0)

        try #require(third.request.decodedMessages)[1].keep(Array(#""planted""#.utf8), in: "test")
        history += Self.exchange(3, random: &random)
        let fourth = try turn()
        #expect(translations == 2 + history.count)
        let written = Array("\"assistant of \(fourth.request.messages[1].content.count)\"".utf8)
        #expect(fourth.bytes == fourth.fresh.replacing(written, with: Array(#""planted""#.utf8), maxReplacements: 1))
        _ = try turn(context: "another")
        #expect(translations == 2 * history.count)
    }

    /// A deferred tool that a reused message loaded (its `tool_reference`) stays loaded.
    @Test func aToolLoadedInAReusedMessageStaysLoaded() throws {
        let cache = ConversationPrefixCache()
        var messages: [JSONValue] = [
            ["role": "user", "content": "Find the deploy tool."],
            ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_search", "name": "ToolSearch", "input": ["query": "deploy"]]]],
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_search", "content": [["type": "tool_reference", "tool_name": "Deploy"]]]]],
        ]
        func decoded() throws -> MessagesRequest {
            let body: JSONValue = [
                "model": "m", "max_tokens": 10, "messages": .array(messages),
                "tools": [
                    ["name": "Deploy", "input_schema": ["type": "object"], "defer_loading": true],
                    ["name": "Rollback", "input_schema": ["type": "object"], "defer_loading": true],
                ],
            ]
            let parsed = try JSONParser.parseRequest(JSONWriter.encode(body), conversations: cache)
            return try MessagesRequest(json: parsed.value, derivedFromMessages: parsed.derivedFromMessages)
        }
        #expect(try decoded().tools.map(\.name) == ["Deploy"])
        messages += [["role": "assistant", "content": "Deploy is loaded."], ["role": "user", "content": "Deploy now."]]
        #expect(try decoded().tools.map(\.name) == ["Deploy"])
    }

    // MARK: - Bounds

    @Test func theLeastRecentlyUsedConversationGoesFirst() throws {
        let cache = ConversationPrefixCache(maximumConversations: 2)
        var random = SeededSplitMix64(seed: 3)
        let histories = (0..<3).map { session in
            [["role": "user", "content": .string("Session \(session)")] as JSONValue] + Self.exchange(session, resultLines: 2, random: &random)
        }
        for history in histories[0..<2] { _ = try JSONParser.parse(try Self.body(history), conversations: cache) }
        _ = try JSONParser.parse(try Self.body(histories[0]), conversations: cache)
        _ = try JSONParser.parse(try Self.body(histories[2]), conversations: cache)
        #expect(cache.usage.conversations == 2)
        // Session 1 went: it parses in full; session 0 stayed: its elements are reused.
        var before = cache.reusedBytes
        _ = try JSONParser.parse(try Self.body(histories[0]), conversations: cache)
        #expect(cache.reusedBytes > before)
        before = cache.reusedBytes
        _ = try JSONParser.parse(try Self.body(histories[1]), conversations: cache)
        #expect(cache.reusedBytes == before)
    }

    @Test func conversationsAreKeptWithinTheirBytes() throws {
        var random = SeededSplitMix64(seed: 4)
        let history = Self.opening + Self.exchange(0, resultLines: 400, random: &random)
        let size = JSONWriter.encode(.array(history)).count
        let cache = ConversationPrefixCache(maximumBytes: 3 * size)
        _ = try JSONParser.parse(try Self.body(history), conversations: cache)
        #expect(cache.usage.conversations == 1 && cache.usage.cost <= 3 * size)
        let other = [["role": "user", "content": "Another session."] as JSONValue] + Self.exchange(1, resultLines: 400, random: &random)
        _ = try JSONParser.parse(try Self.body(other), conversations: cache)
        #expect(cache.usage.conversations == 1, "two conversations cost more than the bound")

        let tooLarge = ConversationPrefixCache(maximumBytes: size)
        _ = try JSONParser.parse(try Self.body(history), conversations: tooLarge)
        #expect(tooLarge.usage.conversations == 0, "a conversation larger than the bound alone is not kept")
    }

    // MARK: - Written strings

    @Test func theVeryStringWrittenBeforeIsCopiedAndAnEqualOneIsWrittenAgain() throws {
        let strings = JSONStringEscapes()
        let long = String(repeating: "a \"quoted\" line\twith ünïcode 🎉\n", count: 200)
        let written = JSONWriter.encode(.string(long))
        #expect(JSONWriter.encode(.string(long), reusing: strings) == written)
        #expect(strings.usage.strings == 1)
        #expect(JSONWriter.encode(.string(long), reusing: strings) == written)
        // The same text in storage of its own is another string: written, and kept apart.
        let copy = String(decoding: Array(long.utf8), as: UTF8.self)
        #expect(JSONWriter.encode(.string(copy), reusing: strings) == written)
        #expect(strings.usage.strings == 2)
        #expect(JSONWriter.encode(.string("short"), reusing: strings) == JSONWriter.encode(.string("short")))
        #expect(strings.usage.strings == 2, "short strings are not kept")
    }

    @Test func writtenStringsAreKeptWithinTheirBytes() {
        let strings = JSONStringEscapes(maximumBytes: 40_000)
        let texts = (0..<10).map { index in String(repeating: "text \(index) ", count: 400) }
        for text in texts { _ = JSONWriter.encode(.string(text), reusing: strings) }
        #expect(strings.usage.cost <= 40_000)
        #expect((1..<10).contains(strings.usage.strings))
    }
}
