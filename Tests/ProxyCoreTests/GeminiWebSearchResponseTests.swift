import ProxyCore
import Testing

/// Whole Gemini replies grounded in Google Search (and URL context) become Anthropic's searches,
/// results and cited text, in Anthropic's order.
@Suite struct GeminiWebSearchResponseTests {
    private func translate(_ reply: GeminiSearchedReply) throws -> AnthropicMessage {
        try GeminiResponseTranslator(context: reply.context).translate(reply.whole)
    }

    private static let redirect = GeminiSearchedReply.redirect

    @Test(arguments: [
        (GeminiSearchedReply.swiftRelease, "web-search-reply.gemini.json"), (GeminiSearchedReply.multibyte, "web-search-multibyte-reply.gemini.json"),
        (GeminiSearchedReply.filtered, "web-search-filtered-reply.gemini.json"),
    ])
    func groundedReplyTranslatesToItsGoldenMessage(reply: GeminiSearchedReply, golden: String) throws {
        let translated = try translate(reply).json
        let expected = try Fixture.golden(golden)
        #expect(translated == expected, "\(firstDifference(translated, expected) ?? "")")
    }

    @Test func queriesPastMaxUsesGetTheMaxUsesExceededErrorAndAreNotCounted() throws {
        var reply = GeminiSearchedReply.swiftRelease
        reply.search?.maxUses = 1
        let message = try translate(reply)
        #expect(
            Array(message.content.dropFirst().prefix(4)) == [
                .serverToolUse(id: "srvtoolu_01TestReply_0", name: "web_search", input: ["query": "swift 6.3 release notes"]),
                .webSearchToolResult(
                    toolUseID: "srvtoolu_01TestReply_0",
                    content: .results([
                        WebSearchResult(url: Self.redirect + "AUZIYQE1swift", title: "swift.org"),
                        WebSearchResult(url: Self.redirect + "AUZIYQE2forums", title: "forums.swift.org"),
                        WebSearchResult(url: Self.redirect + "AUZIYQE3github", title: "github.com"),
                    ])),
                .serverToolUse(id: "srvtoolu_01TestReply_1", name: "web_search", input: ["query": "swift 6.3 release date"]),
                .webSearchToolResult(toolUseID: "srvtoolu_01TestReply_1", content: .error(code: "max_uses_exceeded")),
            ])
        #expect(message.usage.webSearchRequests == 1)
    }

    @Test func withoutGroundingTheModelDidNotSearchAndTheTextIsPlain() throws {
        var reply = GeminiSearchedReply.swiftRelease
        reply.groundingMetadata = nil
        let message = try translate(reply)
        #expect(
            message.content == [
                .thinking("The user wants the Swift 6.3 release notes; search first.", signature: ""),
                .text("Swift 6.3 shipped on March 24, 2026. It brings module selectors and faster builds. More is in the release notes."),
            ])
        #expect(message.usage == Usage(inputTokens: 100, outputTokens: 20))
        #expect(message.json["usage"]?["server_tool_use"] == nil)
    }

    @Test func supportsThatCutACharacterOverlapLeaveTheTextOrCiteNothingShownStayPlain() throws {
        var reply = GeminiSearchedReply.multibyte
        reply.groundingMetadata = GeminiSearchedReply.grounding(
            queries: ["Königsallee Düsseldorf"], chunks: [(Self.redirect + "AUZIYQB2japan", "japan-guide.com")],
            supports: [
                (0, 9, "Die Stra\u{C3}", [0]),  // ends inside "ß"
                (38, 53, "Start um 9 Uhr!", [0]), (40, 60, "art um 9 Uhr! 東京", [0]),  // overlaps the span before
                (54, 500, "東京タワーは333メートルです。", [0]),  // runs past the text
                (0, 32, "Die Straße heißt Königsallee.", [7]),  // no such result
            ])
        let text = try translate(reply).content.dropFirst(2)
        let cited = "Start um 9 Uhr!"
        #expect(
            Array(text) == [
                .text("Die Straße heißt Königsallee. 🚀 "),
                .citedText(cited, citations: [WebSearchCitation(url: Self.redirect + "AUZIYQB2japan", title: "japan-guide.com", citedText: cited)]),
                .text(" 東京タワーは333メートルです。"),
            ])
    }

    @Test func searchesThenFetchesComeBeforeTheTextAndAFetchShowsAsItsUse() throws {
        var reply = GeminiSearchedReply.filtered
        reply.search = GeminiSearchedReply.webSearch
        reply.fetch = GeminiSearchedReply.webFetch
        reply.urlContextMetadata = GeminiSearchedReply.urlContext([
            ("https://www.swift.org/blog/swift-6.3-released/", "URL_RETRIEVAL_STATUS_SUCCESS"), ("https://example.com/gone", "URL_RETRIEVAL_STATUS_ERROR"),
        ])
        let content = try translate(reply).content
        #expect(
            content.prefix(4).map(\.json).map { $0["type"] } == ["server_tool_use", "web_search_tool_result", "server_tool_use", "server_tool_use"])
        #expect(
            Array(content[2...3]) == [
                .serverToolUse(id: "srvtoolu_01TestReply_1", name: "web_fetch", input: ["url": "https://www.swift.org/blog/swift-6.3-released/"]),
                .serverToolUse(id: "srvtoolu_01TestReply_2", name: "web_fetch", input: ["url": "https://example.com/gone"]),
            ])
        guard case .citedText("Swift 6.3 is out.", _)? = content.dropFirst(4).first else {
            Issue.record("the text follows the fetches: \(content)")
            return
        }
    }

    @Test func aFetchAloneShowsItsUsesUpToMaxUsesThenThePlainText() throws {
        var reply = GeminiSearchedReply.filtered
        reply.search = nil
        reply.fetch = MessagesRequest.ServerTool(kind: .webFetch, type: "web_fetch_20250910", name: "fetch_page", maxUses: 1)
        // URL context grounds the text in the pages it read, with no search query: nothing to cite.
        reply.groundingMetadata = GeminiSearchedReply.grounding(
            queries: [], chunks: [("https://www.swift.org/blog/swift-6.3-released/", "Swift 6.3 Released")], supports: [(0, 17, "Swift 6.3 is out.", [0])])
        reply.urlContextMetadata = GeminiSearchedReply.urlContext([
            ("https://www.swift.org/blog/swift-6.3-released/", "URL_RETRIEVAL_STATUS_SUCCESS"), ("https://www.swift.org/install/", "URL_RETRIEVAL_STATUS_SUCCESS"),
        ])
        let message = try translate(reply)
        #expect(
            message.content == [
                .serverToolUse(id: "srvtoolu_01TestReply_0", name: "fetch_page", input: ["url": "https://www.swift.org/blog/swift-6.3-released/"]),
                .text("Swift 6.3 is out. The forums discuss it. GitHub hosts the code. The blog has details."),
            ])
        #expect(message.usage.webSearchRequests == 0)
    }

    @Test func aSearchedReplyThatCallsAToolEndsWithTheCall() throws {
        var reply = GeminiSearchedReply.filtered
        reply.parts.append(GeminiReply.call("Bash", ["command": "swift --version"]))
        let message = try translate(reply)
        #expect(message.content.last == .toolUse(id: "toolu_01TestReply_0", name: "Bash", input: ["command": "swift --version"]))
        #expect(message.content.count == 6)
        #expect(message.stopReason == .toolUse)
    }
}
