import ProxyCore
import Testing

/// Cache diagnostics (`diagnostics.previous_message_id`): what a request asks, where its prompt
/// diverged from the previous request's, and what the reply says.
@Suite struct CacheDiagnosticsTests {
    /// 40 bytes of prose: 10 tokens, 14 with its block's framing, 18 as a message.
    private static let prose = String(repeating: "abcd", count: 10)
    /// `get_time` with an empty object schema: 12 tokens.
    private static let tool: JSONValue = ["name": "get_time", "input_schema": ["type": "object"]]

    private static func message(_ role: String, _ text: String = prose, cached: Bool = false) -> JSONValue {
        var block: JSONObject = ["type": "text", "text": .string(text)]
        if cached { block["cache_control"] = ["type": "ephemeral"] }
        return ["role": .string(role), "content": [.object(block)]]
    }

    /// Three messages of 18 tokens after a system prompt of 14 and a tool of 12: 80 tokens.
    private static func body(
        messages: [JSONValue] = [message("user"), message("assistant"), message("user", cached: true)], system: String = prose,
        tools: [JSONValue] = [tool], diagnostics: JSONValue? = ["previous_message_id": .null], extra: JSONObject = [:]
    ) -> JSONValue {
        var body: JSONObject = ["model": "claude-sonnet-4-6", "max_tokens": 100, "system": .string(system), "tools": .array(tools), "messages": .array(messages)]
        if let diagnostics { body["diagnostics"] = diagnostics }
        for member in extra.members { body[member.key] = member.value }
        return .object(body)
    }

    private static func fingerprint(_ body: JSONValue, model: String = "openai/gpt-4.1") throws -> PromptFingerprint {
        PromptFingerprint(try MessagesRequest(json: body), model: model)
    }

    // MARK: The request's field

    @Test func theFieldOptsInWithOrWithoutAPreviousReply() throws {
        #expect(try MessagesRequest(json: Self.body(diagnostics: nil)).cacheDiagnostics == nil)
        #expect(try MessagesRequest(json: Self.body(diagnostics: .null)).cacheDiagnostics == nil)
        #expect(try MessagesRequest(json: Self.body(diagnostics: ["previous_message_id": .null])).cacheDiagnostics == CacheDiagnosticsRequest(previousMessageID: nil))
        #expect(try MessagesRequest(json: Self.body(diagnostics: [:])).cacheDiagnostics == CacheDiagnosticsRequest(previousMessageID: nil))
        #expect(try MessagesRequest(json: Self.body(diagnostics: ["previous_message_id": "msg_1"])).cacheDiagnostics == CacheDiagnosticsRequest(previousMessageID: "msg_1"))
    }

    @Test func countTokensPassesOverTheField() throws {
        #expect(try MessagesRequest(json: Self.body(diagnostics: "yes"), countingTokens: true).cacheDiagnostics == nil)
    }

    struct BadDiagnostics: Sendable, CustomTestStringConvertible {
        var diagnostics: JSONValue
        var message: String
        var testDescription: String { message }
    }

    static let badDiagnostics: [BadDiagnostics] = [
        BadDiagnostics(diagnostics: true, message: #"diagnostics: must be an object, {"previous_message_id": "msg_..."} (or null on a first turn), not boolean"#),
        BadDiagnostics(diagnostics: ["previous_message_id": 7], message: "diagnostics.previous_message_id: must be the id (msg_...) of the reply to your previous request, or null on a first turn, not number"),
        BadDiagnostics(diagnostics: ["previous_message_id": ""], message: "diagnostics.previous_message_id: must be the id (msg_...) of the reply to your previous request, or null on a first turn, not an empty string"),
        BadDiagnostics(diagnostics: ["previous_message_id": "msg_1", "compare": "system"], message: "diagnostics.compare: Extra inputs are not permitted"),
    ]

    @Test(arguments: badDiagnostics)
    func aBadFieldSaysWhatToFix(_ bad: BadDiagnostics) {
        #expect {
            _ = try MessagesRequest(json: Self.body(diagnostics: bad.diagnostics))
        } throws: { error in
            guard let error = error as? AnthropicError else { return false }
            return error.status == 400 && error.kind == .invalidRequest && error.message == bad.message
        }
    }

    // MARK: Where a prompt diverged

    @Test func messagesAddedAfterThePreviousOnesAreNoDivergence() throws {
        let previous = try Self.fingerprint(Self.body())
        // The breakpoint moved to the new last message, as Claude Code and the SDKs move it every turn.
        let next = Self.body(messages: [Self.message("user"), Self.message("assistant"), Self.message("user"), Self.message("assistant", "done"), Self.message("user", "more", cached: true)])
        #expect(try Self.fingerprint(next).missReason(since: previous) == nil)
        #expect(try Self.fingerprint(Self.body(messages: [Self.message("user"), Self.message("assistant")])).missReason(since: previous) == nil, "a rewind sends nothing that differs")
    }

    @Test func eachPartThatChangedIsNamedWithThePreviousTokensFromThereOn() throws {
        let previous = try Self.fingerprint(Self.body())
        #expect(try Self.fingerprint(Self.body(), model: "gemini/gemini-2.5-pro").missReason(since: previous) == .modelChanged(missedTokens: 80))
        let otherTool: JSONValue = ["name": "get_date", "input_schema": ["type": "object"]]
        #expect(try Self.fingerprint(Self.body(tools: [Self.tool, otherTool])).missReason(since: previous) == .toolsChanged(missedTokens: 80))
        #expect(try Self.fingerprint(Self.body(tools: [])).missReason(since: previous) == .toolsChanged(missedTokens: 80))
        #expect(try Self.fingerprint(Self.body(system: Self.prose + " at 10:42")).missReason(since: previous) == .systemChanged(missedTokens: 68))
        let edited = [Self.message("user"), Self.message("assistant", "edited"), Self.message("user")]
        #expect(try Self.fingerprint(Self.body(messages: edited)).missReason(since: previous) == .messagesChanged(missedTokens: 36))
        #expect(try Self.fingerprint(Self.body(messages: [Self.message("user", "other")])).missReason(since: previous) == .messagesChanged(missedTokens: 54))
    }

    @Test func theFirstDivergenceInPromptOrderIsTheOneNamed() throws {
        let previous = try Self.fingerprint(Self.body())
        let everything = Self.body(messages: [Self.message("user", "other")], system: "other", tools: [])
        #expect(try Self.fingerprint(everything, model: "gemini/gemini-2.5-pro").missReason(since: previous) == .modelChanged(missedTokens: 80))
        #expect(try Self.fingerprint(everything).missReason(since: previous) == .toolsChanged(missedTokens: 80))
        #expect(try Self.fingerprint(Self.body(messages: [Self.message("user", "other")], system: "other")).missReason(since: previous) == .systemChanged(missedTokens: 68))
    }

    @Test func otherSettingsThatShapeThePromptAreUndiagnosed() throws {
        let previous = try Self.fingerprint(Self.body())
        #expect(try Self.fingerprint(Self.body(extra: ["thinking": ["type": "enabled", "budget_tokens": 2048]])).missReason(since: previous) == .unavailable)
        #expect(try Self.fingerprint(Self.body(extra: ["tool_choice": ["type": "any"]])).missReason(since: previous) == .unavailable)
        #expect(try Self.fingerprint(Self.body(extra: ["temperature": 0.2, "max_tokens": 900])).missReason(since: previous) == nil, "sampling is not the prompt")
    }

    @Test func aDeferredToolNotYetLoadedIsNotInThePrompt() throws {
        let deferred: JSONValue = ["name": "web_fetch_later", "input_schema": ["type": "object"], "defer_loading": true]
        #expect(try Self.fingerprint(Self.body(tools: [Self.tool, deferred])) == Self.fingerprint(Self.body()))
    }

    @Test func aConversationKeptFromAnEarlierTurnHasTheSameFingerprint() throws {
        let conversations = ConversationPrefixCache()
        let bytes = JSONWriter.encode(Self.body())
        _ = try JSONParser.parseRequest(bytes, conversations: conversations)
        let parsed = try JSONParser.parseRequest(bytes, conversations: conversations)
        let kept = try MessagesRequest(json: parsed.value, derivedFromMessages: parsed.derivedFromMessages)
        #expect(kept.decodedMessages != nil)
        #expect(PromptFingerprint(kept, model: "openai/gpt-4.1") == (try Self.fingerprint(Self.body())))
    }

    @Test func aFingerprintReadsBackFromWhatTheSharedDatabaseKeeps() throws {
        let fingerprint = try Self.fingerprint(Self.body(messages: (0..<40).map { Self.message($0 % 2 == 0 ? "user" : "assistant", "turn \($0)") }))
        #expect(fingerprint.encoded.count == 2 * (40 + 40 * 12))
        #expect(PromptFingerprint(encoded: fingerprint.encoded) == fingerprint)
        #expect(PromptFingerprint(encoded: fingerprint.encoded.uppercased()) == fingerprint)
        for damaged in ["", "zz", String(fingerprint.encoded.dropLast(2)), fingerprint.encoded + "00"] {
            #expect(PromptFingerprint(encoded: damaged) == nil)
        }
    }

    // MARK: The store and the reply

    @Test func aFirstTurnAnUnknownIdAndAnotherClientsIdAreToldApart() async throws {
        let store = PromptFingerprintStore()
        let fingerprint = try Self.fingerprint(Self.body())
        #expect(await store.diagnosis(of: fingerprint, previousMessageID: nil, owner: "team-a") == .unchanged)
        store.keep(fingerprint, owner: "team-a", replyID: "msg_1")
        #expect(await store.diagnosis(of: fingerprint, previousMessageID: "msg_1", owner: "team-a") == .unchanged)
        #expect(await store.diagnosis(of: fingerprint, previousMessageID: "msg_2", owner: "team-a") == .missed(.previousMessageNotFound))
        #expect(await store.diagnosis(of: fingerprint, previousMessageID: "msg_1", owner: "team-b") == .missed(.previousMessageNotFound))
    }

    @Test func theStoreIsBoundedAndForgetsTheLeastRecentlyUsed() async throws {
        let fingerprint = try Self.fingerprint(Self.body())
        let cost = fingerprint.size + "me".utf8.count + "msg_0".utf8.count
        let store = PromptFingerprintStore(maximumBytes: cost * 4)
        for index in 0..<4 { store.keep(fingerprint, owner: "me", replyID: "msg_\(index)") }
        #expect(await store.diagnosis(of: fingerprint, previousMessageID: "msg_0", owner: "me") == .unchanged, "used: the most recent now")
        store.keep(fingerprint, owner: "me", replyID: "msg_4")
        #expect(store.count < 5)
        #expect(await store.diagnosis(of: fingerprint, previousMessageID: "msg_1", owner: "me") == .missed(.previousMessageNotFound))
        #expect(await store.diagnosis(of: fingerprint, previousMessageID: "msg_0", owner: "me") == .unchanged)
        #expect(await store.diagnosis(of: fingerprint, previousMessageID: "msg_4", owner: "me") == .unchanged)
    }

    @Test func aTurnAnswersWithItsDiagnosisAndKeepsItsFingerprintUnderTheReplysID() async throws {
        let store = PromptFingerprintStore()
        #expect(await CacheDiagnosticsTurn(try MessagesRequest(json: Self.body(diagnostics: nil)), model: "m", owner: "", store: store) == nil)
        let first = try #require(await CacheDiagnosticsTurn(try MessagesRequest(json: Self.body()), model: "m", owner: "", store: store))
        let reply = first.answering(AnthropicMessage(id: "msg_first", model: "claude-sonnet-4-6", content: [.text("hi")], stopReason: .endTurn, usage: Usage(outputTokens: 1)))
        #expect(reply.cacheDiagnosis == .unchanged)
        #expect(JSONWriter.string(reply.json).hasSuffix(#","diagnostics":null}"#))

        let edited = Self.body(system: "other", diagnostics: ["previous_message_id": "msg_first"])
        let second = try #require(await CacheDiagnosticsTurn(try MessagesRequest(json: edited), model: "m", owner: "", store: store))
        let opening = second.opening(AnthropicStreamEvent.opening(messageID: "msg_second", model: "claude-sonnet-4-6", estimatedInputTokens: 80))
        #expect(
            JSONWriter.string(opening[0].json)
                == #"{"type":"message_start","message":{"id":"msg_second","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":80,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0},"diagnostics":{"cache_miss_reason":{"type":"system_changed","cache_missed_input_tokens":68}}}}"#
        )
        #expect(opening[1] == .ping)
        #expect(await store.diagnosis(of: try Self.fingerprint(edited, model: "m"), previousMessageID: "msg_second", owner: "") == .unchanged, "kept under the streamed reply's id")
    }

    @Test func aReplysDiagnosticsReadBack() throws {
        let reasons: [CacheDiagnosis] = [
            .unchanged, .missed(.modelChanged(missedTokens: 1)), .missed(.toolsChanged(missedTokens: 2)), .missed(.systemChanged(missedTokens: 3)),
            .missed(.messagesChanged(missedTokens: 4)), .missed(.previousMessageNotFound), .missed(.unavailable),
        ]
        for reason in reasons {
            var message = AnthropicMessage(id: "msg_1", model: "m", content: [], stopReason: .endTurn, usage: Usage())
            message.cacheDiagnosis = reason
            #expect(try AnthropicMessage(json: message.json) == message)
        }
        let withoutAny = AnthropicMessage(id: "msg_1", model: "m", content: [], stopReason: .endTurn, usage: Usage())
        #expect(withoutAny.json["diagnostics"] == nil, "a request that asked for none gets no diagnostics member")
    }
}
