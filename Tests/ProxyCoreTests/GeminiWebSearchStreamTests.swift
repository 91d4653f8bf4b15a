import ProxyCore
import Testing

/// A Gemini stream grounded in Google Search becomes exactly the events Claude sends for a search:
/// thinking live, then the searches, their results and the cited text, held until the end.
@Suite struct GeminiWebSearchStreamTests {
    private static let reply = GeminiSearchedReply.swiftRelease
    private static let redirect = GeminiSearchedReply.redirect
    private static let seg0 = "Swift 6.3 shipped on March 24, 2026."
    private static let seg1 = "It brings module selectors and faster builds."

    /// The thought, the text in two chunks, then the finish with the grounding and usage.
    private static let chunks: [SSEEvent] = [
        GeminiReply.response([reply.parts[0]]), GeminiReply.response([reply.parts[1]]), GeminiReply.response([reply.parts[2], reply.parts[3]]),
        GeminiSearchedReply(name: "finish", parts: [], groundingMetadata: reply.groundingMetadata).whole,
    ].map(GeminiReply.event)

    private static func citation(_ chunk: String, _ title: String, _ text: String) -> AnthropicStreamEvent.Delta {
        .citation(WebSearchCitation(url: redirect + chunk, title: title, citedText: text))
    }

    @Test func theTextWaitsForTheEndAndFollowsTheSearchesWithItsCitationsFirst() {
        var translator = GeminiStreamTranslator(context: Self.reply.context)
        let thought = translator.consume(Self.chunks[0]).events
        #expect(
            thought.dropFirst(2)
                == [
                    .contentBlockStart(index: 0, block: .thinking),
                    .contentBlockDelta(index: 0, delta: .thinking("The user wants the Swift 6.3 release notes; search first.")),
                ],
            "thinking streams live")
        #expect(translator.consume(Self.chunks[1]) == .emit([]), "the text is held")
        #expect(translator.consume(Self.chunks[2]) == .emit([]))
        #expect(translator.consume(Self.chunks[3]) == .emit([]))
        let results: [WebSearchResult] = [
            WebSearchResult(url: Self.redirect + "AUZIYQE1swift", title: "swift.org"),
            WebSearchResult(url: Self.redirect + "AUZIYQE2forums", title: "forums.swift.org"),
            WebSearchResult(url: Self.redirect + "AUZIYQE3github", title: "github.com"),
        ]
        let end = translator.finish()
        #expect(end.isEnd)
        #expect(
            end.events == [
                .contentBlockStop(index: 0),
                .contentBlockStart(index: 1, block: .serverToolUse(id: "srvtoolu_01TestReply_0", name: "web_search")),
                .contentBlockDelta(index: 1, delta: .inputJSON(#"{"query":"swift 6.3 release notes"}"#)), .contentBlockStop(index: 1),
                .contentBlockStart(index: 2, block: .webSearchToolResult(toolUseID: "srvtoolu_01TestReply_0", content: .results(results))),
                .contentBlockStop(index: 2),
                .contentBlockStart(index: 3, block: .serverToolUse(id: "srvtoolu_01TestReply_1", name: "web_search")),
                .contentBlockDelta(index: 3, delta: .inputJSON(#"{"query":"swift 6.3 release date"}"#)), .contentBlockStop(index: 3),
                .contentBlockStart(index: 4, block: .webSearchToolResult(toolUseID: "srvtoolu_01TestReply_1", content: .results([]))),
                .contentBlockStop(index: 4),
                .contentBlockStart(index: 5, block: .citedText), .contentBlockDelta(index: 5, delta: Self.citation("AUZIYQE1swift", "swift.org", Self.seg0)),
                .contentBlockDelta(index: 5, delta: Self.citation("AUZIYQE2forums", "forums.swift.org", Self.seg0)),
                .contentBlockDelta(index: 5, delta: .text(Self.seg0)), .contentBlockStop(index: 5),
                .contentBlockStart(index: 6, block: .text), .contentBlockDelta(index: 6, delta: .text(" ")), .contentBlockStop(index: 6),
                .contentBlockStart(index: 7, block: .citedText), .contentBlockDelta(index: 7, delta: Self.citation("AUZIYQE1swift", "swift.org", Self.seg1)),
                .contentBlockDelta(index: 7, delta: Self.citation("AUZIYQE3github", "github.com", Self.seg1)),
                .contentBlockDelta(index: 7, delta: .text(Self.seg1)), .contentBlockStop(index: 7),
                .contentBlockStart(index: 8, block: .text), .contentBlockDelta(index: 8, delta: .text(" More is in the release notes.")),
                .contentBlockStop(index: 8),
                .messageDelta(stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: 100, outputTokens: 20, webSearchRequests: 2)),
                .messageStop,
            ])
    }

    @Test func withoutAWebSearchTheTextStreamsLiveAndGroundingIsIgnored() {
        var translator = GeminiStreamTranslator(context: .forTesting(tools: ["Bash"]))
        _ = translator.consume(Self.chunks[0])
        #expect(
            translator.consume(Self.chunks[1])
                == .emit([
                    .contentBlockStop(index: 0), .contentBlockStart(index: 1, block: .text),
                    .contentBlockDelta(index: 1, delta: .text("Swift 6.3 shipped on March 24, 2026. ")),
                ]))
        _ = translator.consume(Self.chunks[2])
        _ = translator.consume(Self.chunks[3])
        #expect(
            translator.finish().events == [
                .contentBlockStop(index: 1), .messageDelta(stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: 100, outputTokens: 20)),
                .messageStop,
            ])
    }

    @Test func aStreamCutOffBeforeItsEndSendsNoHeldTextButTheError() {
        var translator = GeminiStreamTranslator(context: Self.reply.context)
        for chunk in Self.chunks.prefix(3) { _ = translator.consume(chunk) }
        let end = translator.finish()
        #expect(end.isEnd)
        guard case .error(let error)? = end.events.last, end.events.count == 1 else {
            Issue.record("expected only an error event, got \(end.events)")
            return
        }
        #expect(error.status == 502)
    }
}
