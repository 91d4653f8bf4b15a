import ProxyCore
import Testing

/// A search model's answer becomes the blocks Anthropic's own web search gives: the search, its
/// results (the pages the answer cites), and the text in plain and cited spans, whole and streamed.
@Suite struct OpenAIChatSearchReplyTests {
    static let searchTool = MessagesRequest.ServerTool(kind: .webSearch, type: "web_search_20250305", name: "web_search")
    static let serverToolUseID = "srvtoolu_01TestReply_0"

    /// A context for a search model answering a request that declared `tool`.
    static func context(tool: MessagesRequest.ServerTool = searchTool) -> OpenAIChatReplyContext {
        OpenAIChatReplyContext(
            requestedModel: OpenAIChatReplyContext.testRequestedModel, messageID: OpenAIChatReplyContext.testMessageID,
            toolNames: ToolNameMapping(request: MessagesRequest(model: "m", maxTokens: 1, messages: [])), estimatedInputTokens: 120,
            searchAnswer: OpenAIChatSearchAnswer(tool: tool, query: "swift 6.3 news"))
    }

    /// A `url_citation` annotation as OpenAI writes it.
    static func citation(_ url: String, _ title: String, _ start: Int, _ end: Int) -> JSONValue {
        ["type": "url_citation", "url_citation": ["url": .string(url), "title": .string(title), "start_index": .int(start), "end_index": .int(end)]]
    }

    /// An answer with multi-byte text before both citations. Its indexes count code points: in
    /// UTF-16 the text is 168 units long, in UTF-8 176 bytes, and either reading would cut the
    /// links elsewhere.
    static let answer = "Swift 6.3 est sorti — voilà 🎉 ([swift.org](https://www.swift.org/blog/swift-6.3/)). Les notes détaillent 😀 ([forums.swift.org](https://forums.swift.org/t/swift-6-3))."
    static let firstLink = "([swift.org](https://www.swift.org/blog/swift-6.3/))"
    static let secondLink = "([forums.swift.org](https://forums.swift.org/t/swift-6-3))"
    static let annotations = [
        citation("https://www.swift.org/blog/swift-6.3/", "Swift 6.3 Released", 30, 82),
        citation("https://forums.swift.org/t/swift-6-3", "Swift 6.3 - Announcements", 107, 165),
    ]

    static func serverToolUse() -> ContentBlock {
        .serverToolUse(id: serverToolUseID, name: "web_search", input: ["query": "swift 6.3 news"])
    }

    static func results(_ pages: [(url: String, title: String)]) -> ContentBlock {
        .webSearchToolResult(toolUseID: serverToolUseID, content: .results(pages.map { WebSearchResult(url: $0.url, title: $0.title) }))
    }

    static func cited(_ text: String, _ pages: [(url: String, title: String)]) -> ContentBlock {
        .citedText(text, citations: pages.map { WebSearchCitation(url: $0.url, title: $0.title, citedText: text) })
    }

    private func translate(
        content: String?, annotations: [JSONValue], usage: JSONValue? = ChatCompletion.usage(prompt: 100, completion: 20),
        context: OpenAIChatReplyContext = context()
    ) throws -> AnthropicMessage {
        let message: JSONValue = ["role": "assistant", "content": content.map(JSONValue.string) ?? .null, "refusal": nil, "annotations": .array(annotations)]
        return try OpenAIChatResponseTranslator(context: context).translate(ChatCompletion.response(message: message, usage: usage))
    }

    // MARK: - Whole

    @Test func theAnswerBecomesTheSearchItsResultsAndCitedSpansCountedInCodePoints() throws {
        let message = try translate(content: Self.answer, annotations: Self.annotations)
        let swiftOrg = (url: "https://www.swift.org/blog/swift-6.3/", title: "Swift 6.3 Released")
        let forums = (url: "https://forums.swift.org/t/swift-6-3", title: "Swift 6.3 - Announcements")
        #expect(
            message.content == [
                Self.serverToolUse(), Self.results([swiftOrg, forums]),
                .text("Swift 6.3 est sorti — voilà 🎉 "), Self.cited(Self.firstLink, [swiftOrg]),
                .text(". Les notes détaillent 😀 "), Self.cited(Self.secondLink, [forums]), .text("."),
            ])
        #expect(message.usage == Usage(inputTokens: 100, outputTokens: 20, webSearchRequests: 1))
        #expect(message.stopReason == .endTurn)
    }

    @Test func theReplyJSONCarriesTheSearchCount() throws {
        let message = try translate(content: "Answer.", annotations: [])
        #expect(message.json["usage"]?["server_tool_use"] == ["web_search_requests": 1])
    }

    @Test func withoutReportedUsageTheEstimateStillCountsTheSearch() throws {
        let message = try translate(content: "Twelve chars", annotations: [], usage: nil)
        #expect(message.usage == Usage(inputTokens: 120, outputTokens: 3, webSearchRequests: 1))
    }

    @Test func pagesTheDomainFiltersExcludeAreNeitherResultsNorCitations() throws {
        let tool = MessagesRequest.ServerTool(kind: .webSearch, type: "web_search_20250305", name: "search", blockedDomains: ["forums.swift.org"])
        let message = try translate(content: Self.answer, annotations: Self.annotations, context: Self.context(tool: tool))
        let swiftOrg = (url: "https://www.swift.org/blog/swift-6.3/", title: "Swift 6.3 Released")
        #expect(
            message.content == [
                .serverToolUse(id: Self.serverToolUseID, name: "search", input: ["query": "swift 6.3 news"]), Self.results([swiftOrg]),
                .text("Swift 6.3 est sorti — voilà 🎉 "), Self.cited(Self.firstLink, [swiftOrg]),
                .text(". Les notes détaillent 😀 \(Self.secondLink)."),
            ])
    }

    @Test func overlappingCitationsCiteTheSpanTheyShare() throws {
        let a = (url: "https://a.example/", title: "A")
        let b = (url: "https://b.example/", title: "B")
        let message = try translate(
            content: "abcdefghijklmnopqrst", annotations: [Self.citation(a.url, a.title, 0, 10), Self.citation(b.url, b.title, 5, 15)])
        #expect(
            message.content == [
                Self.serverToolUse(), Self.results([a, b]), Self.cited("abcde", [a]), Self.cited("fghij", [a, b]), Self.cited("klmno", [b]), .text("pqrst"),
            ])
    }

    @Test func aPageCitedTwiceIsOneResult() throws {
        let page = (url: "https://a.example/", title: "A")
        let message = try translate(content: "one two three", annotations: [Self.citation(page.url, page.title, 0, 3), Self.citation(page.url, page.title, 8, 13)])
        #expect(message.content == [Self.serverToolUse(), Self.results([page]), Self.cited("one", [page]), .text(" two "), Self.cited("three", [page])])
    }

    @Test func citationsOutsideTheTextAreClampedAndOtherAnnotationsIgnored() throws {
        let inside = (url: "https://a.example/", title: "A")
        let outside = (url: "https://b.example/", title: "B")
        let message = try translate(
            content: "short text",
            annotations: [
                Self.citation(inside.url, inside.title, 6, 400), Self.citation(outside.url, outside.title, 300, 310),
                ["type": "file_citation", "file_citation": ["file_id": "file_1"]],
            ])
        #expect(message.content == [Self.serverToolUse(), Self.results([inside, outside]), .text("short "), Self.cited("text", [inside])])
    }

    @Test func anAnswerWithoutAnnotationsStillShowsItsSearch() throws {
        let message = try translate(content: "No sources.", annotations: [])
        #expect(message.content == [Self.serverToolUse(), Self.results([]), .text("No sources.")])
        #expect(try translate(content: nil, annotations: []).content == [Self.serverToolUse(), Self.results([])])
    }

    @Test func aRefusalFollowsTheSearch() throws {
        let message: JSONValue = ["role": "assistant", "content": nil, "refusal": "I can't help with that.", "annotations": []]
        let reply = try OpenAIChatResponseTranslator(context: Self.context()).translate(ChatCompletion.response(message: message))
        #expect(reply.content == [Self.serverToolUse(), Self.results([]), .text("I can't help with that.")])
        #expect(reply.stopReason == .refusal)
    }

    @Test func withoutADeclaredSearchAnnotationsAreIgnored() throws {
        let message = try translate(content: Self.answer, annotations: Self.annotations, context: .forTesting())
        #expect(message.content == [.text(Self.answer)])
        #expect(message.usage.webSearchRequests == 0)
    }

    // MARK: - What the search is shown to have searched for

    @Test func theQueryIsTheUsersLastText() throws {
        let request = try MessagesRequest(
            json: [
                "model": "m", "max_tokens": 10, "tools": [["type": "web_search_20250305", "name": "web_search"]],
                "messages": [
                    ["role": "user", "content": "first question"], ["role": "assistant", "content": "An answer."],
                    ["role": "user", "content": [["type": "text", "text": "swift 6.3"], ["type": "text", "text": "release notes"]]],
                ],
            ])
        let answer = try #require(OpenAIChatSearchAnswer(request: request, model: "openai/gpt-4o-search-preview"))
        #expect(answer == OpenAIChatSearchAnswer(tool: Self.searchTool, query: "swift 6.3\n\nrelease notes"))
        #expect(OpenAIChatSearchAnswer(request: request, model: "gpt-4o") == nil, "only search models search")
        var withoutSearch = request
        withoutSearch.serverTools = []
        #expect(OpenAIChatSearchAnswer(request: withoutSearch, model: "gpt-4o-search-preview") == nil)
    }

    // MARK: - Streamed

    /// The answer streamed as OpenAI streams it: text in pieces, the annotations in a delta of their
    /// own before the finishing chunk, then usage.
    static func stream(_ text: String, annotations: [JSONValue], usage: JSONValue? = ChatCompletion.usage(prompt: 100, completion: 20)) -> [SSEEvent] {
        var events = [ChatCompletion.chunk(["role": "assistant", "content": ""])]
        var rest = Substring(text)
        while !rest.isEmpty {
            events.append(ChatCompletion.chunk(["content": .string(String(rest.prefix(7)))]))
            rest = rest.dropFirst(7)
        }
        events.append(ChatCompletion.chunk(["annotations": .array(annotations)]))
        events.append(ChatCompletion.chunk([:], finishReason: "stop"))
        if let usage { events.append(ChatCompletion.usageChunk(usage)) }
        return events + [ChatCompletion.done]
    }

    @Test func theStreamHoldsTheAnswerAndEmitsTheSearchBlocksWholeAtTheEnd() {
        var translator = OpenAIChatStreamTranslator(context: Self.context())
        let events = Self.stream("Hi 😀 ([a.example](https://a.example/)).", annotations: [Self.citation("https://a.example/", "A", 5, 38)])
        var emitted: [[AnthropicStreamEvent]] = events.map { translator.consume($0).events }
        emitted.append(translator.finish().events)
        #expect(emitted.dropFirst().dropLast(2).allSatisfy { $0.isEmpty }, "nothing but the opening before [DONE]")
        let citation = WebSearchCitation(url: "https://a.example/", title: "A", citedText: "([a.example](https://a.example/))")
        let usage = Usage(inputTokens: 100, outputTokens: 20, webSearchRequests: 1)
        #expect(
            emitted.flatMap { $0 } == [
                .messageStart(
                    AnthropicMessage(
                        id: OpenAIChatReplyContext.testMessageID, model: OpenAIChatReplyContext.testRequestedModel, content: [], stopReason: nil,
                        usage: Usage(inputTokens: 120))),
                .ping,
                .contentBlockStart(index: 0, block: .serverToolUse(id: Self.serverToolUseID, name: "web_search")),
                .contentBlockDelta(index: 0, delta: .inputJSON(#"{"query":"swift 6.3 news"}"#)),
                .contentBlockStop(index: 0),
                .contentBlockStart(
                    index: 1, block: .webSearchToolResult(toolUseID: Self.serverToolUseID, content: .results([WebSearchResult(url: "https://a.example/", title: "A")]))),
                .contentBlockStop(index: 1),
                .contentBlockStart(index: 2, block: .text), .contentBlockDelta(index: 2, delta: .text("Hi 😀 ")), .contentBlockStop(index: 2),
                .contentBlockStart(index: 3, block: .citedText), .contentBlockDelta(index: 3, delta: .citation(citation)),
                .contentBlockDelta(index: 3, delta: .text("([a.example](https://a.example/))")), .contentBlockStop(index: 3),
                .contentBlockStart(index: 4, block: .text), .contentBlockDelta(index: 4, delta: .text(".")), .contentBlockStop(index: 4),
                .messageDelta(stopReason: .endTurn, stopSequence: nil, usage: usage), .messageStop,
            ])
    }

    @Test func annotationsRepeatedInLaterDeltasCountOnce() throws {
        let page = Self.citation("https://a.example/", "A", 0, 3)
        var events = Self.stream("one two", annotations: [page])
        events.insert(ChatCompletion.chunk(["annotations": [page]]), at: events.count - 3)
        var translator = OpenAIChatStreamTranslator(context: Self.context())
        let message = try accumulate(translator.translateAll(events))
        let a = (url: "https://a.example/", title: "A")
        #expect(message.content == [Self.serverToolUse(), Self.results([a]), Self.cited("one", [a]), .text(" two")])
    }

    @Test func aStreamCutBeforeItsFinishIsStillAnError() {
        var translator = OpenAIChatStreamTranslator(context: Self.context())
        let events = translator.translateAll(Array(Self.stream("Partial answer", annotations: []).prefix(2)))
        guard case .error(let error)? = events.last else {
            Issue.record("expected an error event, got \(events)")
            return
        }
        #expect(error.message.contains("cut off"))
        #expect(!events.contains { if case .contentBlockStart = $0 { true } else { false } }, "no half answer")
    }
}
