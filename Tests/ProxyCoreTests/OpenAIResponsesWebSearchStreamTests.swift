import ProxyCore
import Testing

/// A streamed Responses API reply that searched becomes exactly the events Anthropic's web search
/// streams: the search's server_tool_use as soon as the search is done, its results once the
/// reply is complete (when the citations that title them are known), and the answer's parts,
/// each held until it is done, as plain and cited text blocks.
@Suite struct OpenAIResponsesWebSearchStreamTests {
    private typealias Whole = OpenAIResponsesWebSearchTests

    private static let opening: [AnthropicStreamEvent] = [
        .messageStart(AnthropicMessage(id: "msg_01TestReply", model: "claude-sonnet-4-5", content: [], stopReason: nil, usage: Usage(inputTokens: 120))), .ping,
    ]

    private static func closing(_ usage: Usage = Usage(inputTokens: 100, outputTokens: 20, webSearchRequests: 1)) -> [AnthropicStreamEvent] {
        [.messageDelta(stopReason: .endTurn, stopSequence: nil, usage: usage), .messageStop]
    }

    private static func cited(_ index: Int, _ text: String, _ url: String, _ title: String) -> [AnthropicStreamEvent] {
        [
            .contentBlockStart(index: index, block: .citedText),
            .contentBlockDelta(index: index, delta: .citation(WebSearchCitation(url: url, title: title, citedText: text))),
            .contentBlockDelta(index: index, delta: .text(text)), .contentBlockStop(index: index),
        ]
    }

    private static let results = WebSearchOutcome.results([
        WebSearchResult(url: Whole.release, title: "Swift 6.3 Released"), WebSearchResult(url: Whole.changelog, title: "swift/CHANGELOG.md at main"),
    ])

    /// The Anthropic events each upstream event brought, in order.
    private func steps(_ events: [SSEEvent], context: OpenAIResponsesReplyContext = ResponsesAPI.searchingContext()) -> [(upstream: String, events: [AnthropicStreamEvent])] {
        var translator = OpenAIResponsesStreamTranslator(context: context)
        return events.map { event in (event.event ?? "", translator.consume(event).events) }
    }

    @Test func aSearchAndItsCitedAnswerStreamAsAnthropicsWebSearchEvents() {
        var translator = OpenAIResponsesStreamTranslator(context: ResponsesAPI.searchingContext())
        let events = translator.translateAll(ResponsesAPI.searchingStream(of: ResponsesAPI.response(output: [Whole.search, Whole.citedAnswer]), pieceSize: 8))
        #expect(
            events == Self.opening + [
                .contentBlockStart(index: 0, block: .serverToolUse(id: "srvtoolu_68c4ab69d5bc", name: "web_search")),
                .contentBlockDelta(index: 0, delta: .inputJSON(#"{"query":"swift 6.3 release notes"}"#)), .contentBlockStop(index: 0),
                .contentBlockStart(index: 1, block: .webSearchToolResult(toolUseID: "srvtoolu_68c4ab69d5bc", content: Self.results)), .contentBlockStop(index: 1),
            ] + Self.cited(2, "Swift 6.3 shipped in March 2026.", Whole.citedRelease, "Swift 6.3 Released") + [
                .contentBlockStart(index: 3, block: .text), .contentBlockDelta(index: 3, delta: .text(" ")), .contentBlockStop(index: 3),
            ] + Self.cited(4, "It improves C++ interoperability.", Whole.citedChangelog, "swift/CHANGELOG.md at main") + Self.closing())
    }

    @Test func theSearchShowsWhenItIsDoneAndItsResultsWhenTheReplyIsComplete() {
        let steps = steps(ResponsesAPI.searchingStream(of: ResponsesAPI.response(output: [Whole.search, Whole.citedAnswer])))
        let writing = steps.filter { !$0.events.isEmpty }.map(\.upstream)
        #expect(writing == ["response.created", "response.output_item.done", "response.completed"])
        let searchDone = steps.first { $0.upstream == "response.output_item.done" }?.events
        #expect(searchDone?.first == .contentBlockStart(index: 0, block: .serverToolUse(id: "srvtoolu_68c4ab69d5bc", name: "web_search")))
        #expect(searchDone?.count == 3)
    }

    @Test func withoutASearchAPartIsWrittenWhenItIsDoneAndTheBlockLeftOpenClosesWithItsMessage() {
        let message = ResponsesAPI.citedMessage(parts: [(Whole.answer, [ResponsesAPI.citation(0, 32, url: Whole.release, title: "Release")])])
        let steps = steps(ResponsesAPI.searchingStream(of: ResponsesAPI.response(output: [message])))
        #expect(steps.filter { !$0.events.isEmpty }.map(\.upstream) == ["response.created", "response.content_part.done", "response.output_item.done", "response.completed"])
        #expect(
            steps.flatMap(\.events) == Self.opening + Self.cited(0, "Swift 6.3 shipped in March 2026.", Whole.release, "Release") + [
                .contentBlockStart(index: 1, block: .text), .contentBlockDelta(index: 1, delta: .text(" It improves C++ interoperability.")),
                .contentBlockStop(index: 1),
            ] + Self.closing(Usage(inputTokens: 100, outputTokens: 20)))
    }

    /// Citations may come only in the done part, or only as `annotation.added` events: either way
    /// the blocks are the same.
    @Test func citationsCountFromTheDonePartOrElseFromTheirEvents() {
        let citation = ResponsesAPI.citation(0, 32, url: Whole.release, title: "Release")
        let part: JSONValue = ["type": "output_text", "text": .string(Whole.answer), "annotations": [citation]]
        let partWithoutAnnotations: JSONValue = ["type": "output_text", "text": .string(Whole.answer)]
        func stream(annotationEvent: Bool, donePart: JSONValue) -> [AnthropicStreamEvent] {
            var events = [
                ResponsesAPI.itemAdded(0, ResponsesAPI.message(status: "in_progress")), ResponsesAPI.textDelta(0, Whole.answer),
            ]
            if annotationEvent {
                events.append(
                    ResponsesAPI.event(
                        "response.output_text.annotation.added",
                        ["item_id": "msg_out_1", "output_index": 0, "content_index": 0, "annotation_index": 0, "annotation": citation]))
            }
            events += [
                ResponsesAPI.event("response.content_part.done", ["item_id": "msg_out_1", "output_index": 0, "content_index": 0, "part": donePart]),
                ResponsesAPI.completed(ResponsesAPI.response(output: [])),
            ]
            var translator = OpenAIResponsesStreamTranslator(context: ResponsesAPI.searchingContext())
            return translator.translateAll(events)
        }
        let expected =
            Self.opening + Self.cited(0, "Swift 6.3 shipped in March 2026.", Whole.release, "Release") + [
                .contentBlockStart(index: 1, block: .text), .contentBlockDelta(index: 1, delta: .text(" It improves C++ interoperability.")),
                .contentBlockStop(index: 1),
            ] + Self.closing(Usage(inputTokens: 100, outputTokens: 20))
        #expect(stream(annotationEvent: false, donePart: part) == expected)
        #expect(stream(annotationEvent: true, donePart: partWithoutAnnotations) == expected)
    }

    @Test func plainTextGoesOnInOneBlockAcrossTheParts() {
        let first: JSONValue = ["type": "output_text", "text": "Swift 6.3 shipped. ", "annotations": [ResponsesAPI.citation(0, 9, url: Whole.release, title: "Release")]]
        let second: JSONValue = ["type": "output_text", "text": "More soon.", "annotations": []]
        var translator = OpenAIResponsesStreamTranslator(context: ResponsesAPI.searchingContext())
        let events = translator.translateAll([
            ResponsesAPI.itemAdded(0, ResponsesAPI.message(status: "in_progress")),
            ResponsesAPI.event("response.output_text.delta", ["item_id": "msg_out_1", "output_index": 0, "content_index": 0, "delta": "Swift 6.3 shipped. "]),
            ResponsesAPI.event("response.content_part.done", ["item_id": "msg_out_1", "output_index": 0, "content_index": 0, "part": first]),
            ResponsesAPI.event("response.output_text.delta", ["item_id": "msg_out_1", "output_index": 0, "content_index": 1, "delta": "More soon."]),
            ResponsesAPI.event("response.content_part.done", ["item_id": "msg_out_1", "output_index": 0, "content_index": 1, "part": second]),
            ResponsesAPI.itemDone(0, ["id": "msg_out_1", "type": "message", "status": "completed", "role": "assistant", "content": [first, second]]),
            ResponsesAPI.completed(ResponsesAPI.response(output: [])),
        ])
        #expect(
            events == Self.opening + Self.cited(0, "Swift 6.3", Whole.release, "Release") + [
                .contentBlockStart(index: 1, block: .text), .contentBlockDelta(index: 1, delta: .text(" shipped. ")),
                .contentBlockDelta(index: 1, delta: .text("More soon.")), .contentBlockStop(index: 1),
            ] + Self.closing(Usage(inputTokens: 100, outputTokens: 20)))
    }

    @Test func withoutAWebSearchInTheRequestTextStreamsLiveAndCitationsAreIgnored() {
        let steps = steps(ResponsesAPI.searchingStream(of: ResponsesAPI.response(output: [Whole.citedAnswer]), pieceSize: 33), context: .forTesting())
        #expect(steps.filter { !$0.events.isEmpty }.map(\.upstream) == ["response.created", "response.output_text.delta", "response.output_text.delta", "response.output_item.done", "response.completed"])
        #expect(
            Array(steps.flatMap(\.events).dropFirst(2).dropLast(2)) == [
                .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Swift 6.3 shipped in March 2026. ")),
                .contentBlockDelta(index: 0, delta: .text("It improves C++ interoperability.")), .contentBlockStop(index: 0),
            ])
    }

    @Test func aSearchTheStreamNeverFinishedIsTakenFromTheFinalOutput() {
        var translator = OpenAIResponsesStreamTranslator(context: ResponsesAPI.searchingContext())
        let events = translator.translateAll([
            ResponsesAPI.itemAdded(0, ["id": "ws_68c4ab69d5bc", "type": "web_search_call", "status": "in_progress"]),
            ResponsesAPI.completed(ResponsesAPI.response(output: [Whole.search])),
        ])
        #expect(
            events == Self.opening + [
                .contentBlockStart(index: 0, block: .serverToolUse(id: "srvtoolu_68c4ab69d5bc", name: "web_search")),
                .contentBlockDelta(index: 0, delta: .inputJSON(#"{"query":"swift 6.3 release notes"}"#)), .contentBlockStop(index: 0),
                .contentBlockStart(
                    index: 1,
                    block: .webSearchToolResult(
                        toolUseID: "srvtoolu_68c4ab69d5bc",
                        content: .results([WebSearchResult(url: Whole.release, title: "www.swift.org"), WebSearchResult(url: Whole.changelog, title: "github.com")]))),
                .contentBlockStop(index: 1),
            ] + Self.closing())
    }
}
