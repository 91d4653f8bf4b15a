import ProxyCore
import Testing

/// Server-side fallback (`fallbacks`): what a request asks, the body each fallback is sent, and
/// the one message a chain of replies becomes, whole or streamed.
@Suite struct RefusalFallbacksTests {
    private static let request: JSONObject = [
        "model": "claude-fable-5", "max_tokens": 1000, "messages": [["role": "user", "content": "Audit this service."]],
        "thinking": ["type": "between_tools"], "output_config": ["effort": "high", "format": ["type": "json_schema", "schema": ["type": "object"]]],
        "fallbacks": [["model": "claude-opus-4-8"]],
    ]

    private static func fallbacks(_ value: JSONValue) throws(AnthropicError) -> RefusalFallbacks? {
        var body = request
        body["fallbacks"] = value
        return try RefusalFallbacks(body: .object(body))
    }

    // MARK: The request's field

    @Test func theFieldNamesEntriesOrTheDefault() throws {
        var body = Self.request
        body["fallbacks"] = nil
        #expect(try RefusalFallbacks(body: .object(body)) == nil)
        #expect(try Self.fallbacks(.null) == nil)
        #expect(try Self.fallbacks("default") == .routeDefault)
        let entries = try Self.fallbacks([["model": "claude-opus-4-8", "max_tokens": 2000, "speed": .null], ["model": "openai/gpt-5"]])
        #expect(entries == .entries([
            .init(model: "claude-opus-4-8", overrides: ["max_tokens": 2000, "speed": .null]), .init(model: "openai/gpt-5"),
        ]))
    }

    @Test(arguments: [
        (JSONValue.string("best"), "fallbacks: must be \"default\" or a list of entries like {\"model\": \"claude-opus-4-8\"}, not 'best'"),
        ([:], "fallbacks: must be \"default\" or a list of entries like {\"model\": \"claude-opus-4-8\"}, not object"),
        ([], "fallbacks: List should have at least 1 item; leave fallbacks out for none"),
        ([["model": "a"], ["model": "b"], ["model": "c"], ["model": "d"]], "fallbacks: List should have at most 3 items, not 4"),
        (["claude-opus-4-8"], "fallbacks.0: must be an object, not string"),
        ([["max_tokens": 10]], "fallbacks.0.model: Field required"),
        ([["model": 4]], "fallbacks.0.model: must be a string, not number"),
        ([["model": " "]], "fallbacks.0.model: must not be empty"),
        ([["model": "a"], ["model": "b", "temperature": 0.2]], "fallbacks.1.temperature: Extra inputs are not permitted"),
        ([["model": "a", "max_tokens": 0]], "fallbacks.0.max_tokens: must be a positive integer or null, not 0"),
        ([["model": "a", "max_tokens": "many"]], "fallbacks.0.max_tokens: must be a positive integer or null, not \"many\""),
        ([["model": "a", "thinking": "on"]], "fallbacks.0.thinking: must be an object or null, not string"),
        ([["model": "a", "output_config": []]], "fallbacks.0.output_config: must be an object or null, not array"),
        ([["model": "a", "speed": "slow"]], "fallbacks.0.speed: must be 'standard', 'fast' or null, not \"slow\""),
        ([["model": "a", "thinking": ["type": "sometimes"]]], "fallbacks.0.thinking.type: must be enabled, adaptive, between_tools or disabled, not 'sometimes'"),
        ([["model": "a", "thinking": ["type": "enabled"]]], "fallbacks.0.thinking.budget_tokens: Field required"),
        ([["model": "a", "thinking": ["type": "adaptive", "display": "loud"]]], "fallbacks.0.thinking.display: must be summarized, omitted or updates, not 'loud'"),
        ([["model": "a", "output_config": ["effort": 3]]], "fallbacks.0.output_config.effort: must be a string, not number"),
        ([["model": "a", "output_config": ["format": ["type": "xml"]]]], "fallbacks.0.output_config.format.type: must be 'json_schema', not 'xml'"),
    ] as [(JSONValue, String)])
    func aMalformedFieldIsRefusedSayingWhatToFix(value: JSONValue, message: String) {
        #expect(throws: AnthropicError.invalidRequest(message)) { try Self.fallbacks(value) }
    }

    // MARK: Each fallback's request

    @Test func anEntrySetsItsFieldsOnTheClientsRequest() {
        let entry = RefusalFallbacks.Entry(
            model: "claude-opus-4-8", overrides: ["max_tokens": 2000, "thinking": ["type": "adaptive"], "output_config": ["effort": .null, "task_budget": 5000], "speed": "fast"])
        let body = RefusalFallbacks.attemptBody(Self.request, entry: entry)
        #expect(body == [
            "model": "claude-opus-4-8", "max_tokens": 2000, "messages": [["role": "user", "content": "Audit this service."]],
            "thinking": ["type": "adaptive"], "output_config": ["format": ["type": "json_schema", "schema": ["type": "object"]], "task_budget": 5000],
            "speed": "fast",
        ])
    }

    @Test func anEntryLeavesOutWhatItSetsToNullAndTurnsBetweenToolsThinkingOff() {
        let entry = RefusalFallbacks.Entry(model: "openai/gpt-5", overrides: ["output_config": .null, "max_tokens": .null])
        var request = Self.request
        request["fallback_credit_token"] = "tok_1"
        let body = RefusalFallbacks.attemptBody(request, entry: entry)
        #expect(body == [
            "model": "openai/gpt-5", "messages": [["role": "user", "content": "Audit this service."]], "thinking": ["type": "disabled"],
        ])
        let modelOnly = RefusalFallbacks.attemptBody(request, entry: .init(model: "openai/gpt-4o:backup"))
        #expect(modelOnly["fallbacks"] == nil && modelOnly["fallback_credit_token"] == nil, "a default target takes the request without the chain")
        #expect(modelOnly["model"] == "openai/gpt-4o:backup" && modelOnly["max_tokens"] == 1000)
        #expect(modelOnly["thinking"] == ["type": "disabled"])
    }

    // MARK: Whole replies

    private static func reply(_ content: [JSONValue], stop: String, model: String, usage: JSONValue) -> JSONValue {
        ["id": "msg_1", "type": "message", "role": "assistant", "model": .string(model), "content": .array(content), "stop_reason": .string(stop), "usage": usage]
    }

    private static let refusalUsage: JSONValue = ["input_tokens": 412, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 3]
    private static let answerUsage: JSONValue = ["input_tokens": 420, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 100, "output_tokens": 30]

    private static func iteration(_ type: String, _ model: String, input: Int, output: Int, cacheRead: Int = 0) -> JSONValue {
        [
            "type": .string(type), "model": .string(model), "input_tokens": .int(input), "output_tokens": .int(output),
            "cache_read_input_tokens": .int(cacheRead), "cache_creation_input_tokens": 0, "cache_creation": .null,
        ]
    }

    @Test func aServedReplyFollowsABoundaryAndCountsEveryAttempt() {
        var chain = RefusalFallbackChain(requestedModel: "claude-fable-5")
        #expect(RefusalFallbackChain.declines(Self.reply([], stop: "refusal", model: "claude-fable-5", usage: Self.refusalUsage)))
        chain.declined(model: "claude-fable-5", usage: Self.refusalUsage, stopDetails: ["type": "refusal", "category": "cyber", "explanation": .null])
        let boundary = chain.boundary(to: "claude-opus-4-8")
        #expect(boundary == [
            "type": "fallback", "from": ["model": "claude-fable-5"], "to": ["model": "claude-opus-4-8"], "trigger": ["type": "refusal", "category": "cyber"],
        ])
        let answer = Self.reply([["type": "text", "text": "Here is the audit."]], stop: "end_turn", model: "claude-opus-4-8", usage: Self.answerUsage)
        let whole = chain.wholeReply(answer, by: "claude-opus-4-8", boundaries: [boundary])
        #expect(whole["content"] == [boundary, ["type": "text", "text": "Here is the audit."]])
        #expect(whole["usage"] == [
            "input_tokens": 420, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 100, "output_tokens": 30,
            "iterations": [
                Self.iteration("message", "claude-fable-5", input: 412, output: 3),
                Self.iteration("fallback_message", "claude-opus-4-8", input: 420, output: 30, cacheRead: 100),
            ],
        ])
        #expect(whole["stop_details"] == nil, "an answer has no stop details")
    }

    @Test func onlyAReplyThatMayDeclineIsRead() {
        #expect(RefusalFallbackChain.mayDecline(JSONWriter.encode(Self.reply([], stop: "refusal", model: "m", usage: Self.refusalUsage))))
        #expect(!RefusalFallbackChain.mayDecline(JSONWriter.encode(Self.reply([["type": "text", "text": "No refusal here."]], stop: "end_turn", model: "m", usage: Self.answerUsage))))
        #expect(!RefusalFallbackChain.mayDecline(Array(#""refusa"#.utf8)))
    }

    @Test func anUnansweredChainReplaysTheLastRefusalRecommendingABusyFallback() {
        var chain = RefusalFallbackChain(requestedModel: "claude-fable-5")
        let refusal = Self.reply([], stop: "refusal", model: "claude-fable-5", usage: Self.refusalUsage)
        chain.declined(model: "claude-fable-5", usage: Self.refusalUsage, stopDetails: nil)
        let whole = chain.wholeReply(refusal, by: nil, boundaries: [], recommending: "claude-opus-4-8")
        #expect(whole["content"] == [])
        #expect(whole["stop_details"] == ["type": "refusal", "category": .null, "explanation": .null, "recommended_model": "claude-opus-4-8"])
        #expect(whole["usage"]?["iterations"] == [Self.iteration("message", "claude-fable-5", input: 412, output: 3)])
    }

    // MARK: Streams

    private static func sse(_ events: [(String, JSONValue)]) -> [UInt8] {
        events.flatMap { name, json in Array("event: \(name)\ndata: ".utf8) + JSONWriter.encode(json) + Array("\n\n".utf8) }
    }

    private static func start(_ id: String, _ model: String, input: Int) -> (String, JSONValue) {
        ("message_start", ["type": "message_start", "message": [
            "id": .string(id), "type": "message", "role": "assistant", "model": .string(model), "content": [], "stop_reason": .null,
            "usage": ["input_tokens": .int(input), "output_tokens": 1],
        ]])
    }

    private static func text(_ index: Int, _ text: String) -> [(String, JSONValue)] {
        [
            ("content_block_start", ["type": "content_block_start", "index": .int(index), "content_block": ["type": "text", "text": ""]]),
            ("content_block_delta", ["type": "content_block_delta", "index": .int(index), "delta": ["type": "text_delta", "text": .string(text)]]),
        ]
    }

    private static func stop(_ index: Int) -> (String, JSONValue) {
        ("content_block_stop", ["type": "content_block_stop", "index": .int(index)])
    }

    private static func end(_ reason: String, output: Int) -> [(String, JSONValue)] {
        [
            ("message_delta", ["type": "message_delta", "delta": ["stop_reason": .string(reason), "stop_sequence": .null], "usage": ["output_tokens": .int(output)]]),
            ("message_stop", ["type": "message_stop"]),
        ]
    }

    private static let ping: (String, JSONValue) = ("ping", ["type": "ping"])

    /// Feeds `bytes` in chunks of `size`, as a passthrough stream may cut them.
    private static func pass(_ bytes: [UInt8], through splice: inout RefusalFallbackSplice, chunk size: Int) -> [UInt8] {
        stride(from: 0, to: bytes.count, by: size).flatMap { start in splice.pass(Array(bytes[start..<min(start + size, bytes.count)])) }
    }

    @Test(arguments: [1, 7, 100_000])
    func aStreamThatAnswersPassesAsItIs(chunk: Int) {
        let stream = Self.sse([Self.start("msg_A", "claude-fable-5", input: 412), Self.ping] + Self.text(0, "All clear.") + [Self.stop(0)] + Self.end("end_turn", output: 4))
        var splice = RefusalFallbackSplice(requestedModel: "claude-fable-5", fallbackFollows: true)
        let out = Self.pass(stream, through: &splice, chunk: chunk) + splice.finish()
        #expect(String(decoding: out, as: UTF8.self) == String(decoding: stream, as: UTF8.self))
        #expect(!splice.declined)
    }

    @Test(arguments: [1, 100_000])
    func aMidStreamRefusalIsSplicedOntoTheFallbacksAnswer(chunk: Int) {
        var splice = RefusalFallbackSplice(requestedModel: "claude-fable-5", fallbackFollows: true)
        let first = Self.sse([Self.start("msg_A", "claude-fable-5", input: 412)] + Self.text(0, "Looking at the") + Self.end("refusal", output: 3))
        var out = Self.pass(first, through: &splice, chunk: chunk) + splice.finish()
        #expect(splice.declined)
        splice.begin("claude-opus-4-8", fallbackFollows: false)
        let second = Self.sse([Self.start("msg_B", "claude-opus-4-8", input: 420), Self.ping] + Self.text(0, "Here is the audit.") + [Self.stop(0)] + Self.end("end_turn", output: 30))
        out += Self.pass(second, through: &splice, chunk: chunk) + splice.finish()
        #expect(!splice.declined)
        let expected = Self.sse(
            [Self.start("msg_A", "claude-fable-5", input: 412)] + Self.text(0, "Looking at the") + [Self.stop(0)] + [
                ("content_block_start", ["type": "content_block_start", "index": 1, "content_block": [
                    "type": "fallback", "from": ["model": "claude-fable-5"], "to": ["model": "claude-opus-4-8"], "trigger": ["type": "refusal", "category": .null],
                ]]),
                ("content_block_stop", ["type": "content_block_stop", "index": 1]),
                Self.ping,
            ] + Self.text(2, "Here is the audit.") + [Self.stop(2)] + [
                ("message_delta", ["type": "message_delta", "delta": ["stop_reason": "end_turn", "stop_sequence": .null], "usage": [
                    "input_tokens": 420, "output_tokens": 30,
                    "iterations": [
                        ["type": "message", "model": "claude-fable-5", "input_tokens": 412, "output_tokens": 3, "cache_read_input_tokens": 0,
                         "cache_creation_input_tokens": 0, "cache_creation": .null],
                        ["type": "fallback_message", "model": "claude-opus-4-8", "input_tokens": 420, "output_tokens": 30, "cache_read_input_tokens": 0,
                         "cache_creation_input_tokens": 0, "cache_creation": .null],
                    ],
                ]]),
                ("message_stop", ["type": "message_stop"]),
            ])
        #expect(String(decoding: out, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    @Test func aRefusalBeforeAnyOutputLeavesNoTraceButItsBoundary() {
        var splice = RefusalFallbackSplice(requestedModel: "claude-fable-5", fallbackFollows: true)
        var out = splice.pass(Self.sse([Self.start("msg_A", "claude-fable-5", input: 412), Self.ping]))
        out += splice.pass(Self.sse(Self.end("refusal", output: 0))) + splice.finish()
        #expect(out.isEmpty, "nothing is written before the fallback answers, not even the ping written with the message_start")
        splice.begin("claude-opus-4-8", fallbackFollows: false)
        out += splice.pass(Self.sse([Self.start("msg_B", "claude-opus-4-8", input: 420)] + Self.text(0, "Sure.") + [Self.stop(0)]))
        let expected = Self.sse([
            Self.start("msg_B", "claude-opus-4-8", input: 420),
            ("content_block_start", ["type": "content_block_start", "index": 0, "content_block": [
                "type": "fallback", "from": ["model": "claude-fable-5"], "to": ["model": "claude-opus-4-8"], "trigger": ["type": "refusal", "category": .null],
            ]]),
            ("content_block_stop", ["type": "content_block_stop", "index": 0]),
        ] + Self.text(1, "Sure.") + [Self.stop(1)])
        #expect(String(decoding: out, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    /// A model that thinks a long while before its first block: the client is not kept waiting.
    @Test func aLaterPingOpensTheStream() {
        var splice = RefusalFallbackSplice(requestedModel: "claude-fable-5", fallbackFollows: true)
        let opening = Self.sse([Self.start("msg_A", "claude-fable-5", input: 412), Self.ping])
        #expect(splice.pass(opening).isEmpty)
        #expect(splice.pass(Self.sse([Self.ping])) == opening + Self.sse([Self.ping]))
        let refusal = splice.pass(Self.sse(Self.end("refusal", output: 0))) + splice.finish()
        #expect(refusal.isEmpty && splice.declined)
        splice.begin("claude-opus-4-8", fallbackFollows: false)
        var parser = SSEParser()
        let names = parser.feed(splice.pass(Self.sse([Self.start("msg_B", "claude-opus-4-8", input: 420)] + Self.text(0, "Sure.")))).map { $0.event ?? "" }
        #expect(names == ["content_block_start", "content_block_stop", "content_block_start", "content_block_delta"], "the client has its message_start")
    }

    @Test func whenNoFallbackAnswersTheLastRefusalEndsTheStream() {
        var splice = RefusalFallbackSplice(requestedModel: "claude-fable-5", fallbackFollows: true)
        let stream = Self.sse([Self.start("msg_A", "claude-fable-5", input: 412)] + Self.text(0, "I can") + Self.end("refusal", output: 2))
        var out = splice.pass(stream) + splice.finish()
        out += splice.unanswered(recommending: "claude-opus-4-8")
        let expected = Self.sse([Self.start("msg_A", "claude-fable-5", input: 412)] + Self.text(0, "I can") + [
            Self.stop(0),
            ("message_delta", ["type": "message_delta", "delta": [
                "stop_reason": "refusal", "stop_sequence": .null,
                "stop_details": ["type": "refusal", "category": .null, "explanation": .null, "recommended_model": "claude-opus-4-8"],
            ], "usage": [
                "input_tokens": 412, "output_tokens": 2,
                "iterations": [["type": "message", "model": "claude-fable-5", "input_tokens": 412, "output_tokens": 2, "cache_read_input_tokens": 0,
                                "cache_creation_input_tokens": 0, "cache_creation": .null]],
            ]]),
            ("message_stop", ["type": "message_stop"]),
        ])
        #expect(String(decoding: out, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    @Test func theLastFallbacksRefusalPassesWithItsStopDetails() {
        var splice = RefusalFallbackSplice(requestedModel: "claude-fable-5", fallbackFollows: true)
        _ = splice.pass(Self.sse([Self.start("msg_A", "claude-fable-5", input: 412)] + Self.end("refusal", output: 0)))
        splice.begin("claude-opus-4-8", fallbackFollows: false)
        let out = splice.pass(Self.sse([Self.start("msg_B", "claude-opus-4-8", input: 420)] + Self.end("refusal", output: 0)))
        var parser = SSEParser()
        let events = parser.feed(out).map { (try? JSONParser.parse($0.data)) ?? .null }
        #expect(events.map { $0["type"]?.stringValue ?? "" } == ["message_start", "content_block_start", "content_block_stop", "message_delta", "message_stop"])
        #expect(events[3]["delta"]?["stop_details"]?["recommended_model"] == .null)
        #expect(events[3]["usage"]?["iterations"]?.arrayValue?.map { $0["type"]?.stringValue ?? "" } == ["message", "fallback_message"])
    }
}
