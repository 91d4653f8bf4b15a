import ProxyCore
import Testing

/// A whole Responses API reply that searched becomes exactly the blocks Anthropic's web search
/// gives: a server_tool_use and a web_search_tool_result per search, the answer cut into plain and
/// cited text, the client's domain lists and `max_uses` applied, searches counted in the usage.
@Suite struct OpenAIResponsesWebSearchTests {
    static let release = "https://www.swift.org/blog/swift-6.3-released/"
    static let changelog = "https://github.com/swiftlang/swift/blob/main/CHANGELOG.md"
    static let answer = "Swift 6.3 shipped in March 2026. It improves C++ interoperability."
    /// How OpenAI cites a page: its link tagged with `utm_source=openai`.
    static let citedRelease = release + "?utm_source=openai"
    static let citedChangelog = changelog + "?utm_source=openai"

    static let search = ResponsesAPI.webSearchCall(id: "ws_68c4ab69d5bc", query: "swift 6.3 release notes", sources: [release, changelog])
    static let citedAnswer = ResponsesAPI.citedMessage(parts: [
        (
            answer,
            [
                ResponsesAPI.citation(0, 32, url: citedRelease, title: "Swift 6.3 Released"),
                ResponsesAPI.citation(33, 66, url: citedChangelog, title: "swift/CHANGELOG.md at main"),
            ]
        )
    ])

    private func translate(
        _ output: [JSONValue], search: MessagesRequest.ServerTool = ResponsesAPI.searchTool, usage: JSONValue? = ResponsesAPI.usage(input: 100, output: 20)
    ) throws -> AnthropicMessage {
        try OpenAIResponsesResponseTranslator(context: ResponsesAPI.searchingContext(search)).translate(ResponsesAPI.response(output: output, usage: usage))
    }

    private static func cited(_ text: String, _ url: String, _ title: String) -> ContentBlock {
        .citedText(text, citations: [WebSearchCitation(url: url, title: title, citedText: text)])
    }

    @Test func aSearchAndTheAnswerCitingItBecomeAnthropicsWebSearchBlocks() throws {
        let reply = try translate([Self.search, Self.citedAnswer])
        #expect(
            reply.content == [
                .serverToolUse(id: "srvtoolu_68c4ab69d5bc", name: "web_search", input: ["query": "swift 6.3 release notes"]),
                .webSearchToolResult(
                    toolUseID: "srvtoolu_68c4ab69d5bc",
                    content: .results([
                        WebSearchResult(url: Self.release, title: "Swift 6.3 Released"), WebSearchResult(url: Self.changelog, title: "swift/CHANGELOG.md at main"),
                    ])),
                Self.cited("Swift 6.3 shipped in March 2026.", Self.citedRelease, "Swift 6.3 Released"),
                .text(" "),
                Self.cited("It improves C++ interoperability.", Self.citedChangelog, "swift/CHANGELOG.md at main"),
            ])
        #expect(reply.stopReason == .endTurn)
        #expect(reply.usage == Usage(inputTokens: 100, outputTokens: 20, webSearchRequests: 1))
        #expect(reply.json["usage"]?["server_tool_use"] == ["web_search_requests": 1])
    }

    /// The indexes count Unicode scalars, as Python's strings do: not bytes (26 and 49 here), not
    /// UTF-16 units (22 and 37), not characters (☕️ is two scalars, one character).
    @Test func citationIndexesCountUnicodeScalars() throws {
        let text = "🚀 Swift 6.3 ist da — „schneller“ ☕️ und sicherer. Mehr folgt."
        let message = ResponsesAPI.citedMessage(parts: [
            (text, [ResponsesAPI.citation(21, 35, url: Self.release, title: "Swift 6.3"), ResponsesAPI.citation(36, 49, url: Self.changelog, title: "Changelog")])
        ])
        #expect(
            try translate([message]).content == [
                .text("🚀 Swift 6.3 ist da — "), Self.cited("„schneller“ ☕️", Self.release, "Swift 6.3"), .text(" "),
                Self.cited("und sicherer.", Self.changelog, "Changelog"), .text(" Mehr folgt."),
            ])
    }

    @Test func overlappingCitationsCutTheTextWhereEachBeginsAndEnds() throws {
        let message = ResponsesAPI.citedMessage(parts: [
            (Self.answer, [ResponsesAPI.citation(0, 32, url: Self.release, title: "Release"), ResponsesAPI.citation(10, 44, url: Self.changelog, title: "Changelog")])
        ])
        let both = "shipped in March 2026."
        #expect(
            try translate([message]).content == [
                Self.cited("Swift 6.3 ", Self.release, "Release"),
                .citedText(
                    both,
                    citations: [
                        WebSearchCitation(url: Self.release, title: "Release", citedText: both), WebSearchCitation(url: Self.changelog, title: "Changelog", citedText: both),
                    ]),
                Self.cited(" It improves", Self.changelog, "Changelog"), .text(" C++ interoperability."),
            ])
    }

    @Test func indexesPastTheTextAreCutShortAndEmptyOrReversedSpansAreDropped() throws {
        let message = ResponsesAPI.citedMessage(parts: [
            (
                "Swift 6.3 shipped.",
                [
                    ResponsesAPI.citation(10, 400, url: Self.release, title: "Release"), ResponsesAPI.citation(5, 5, url: Self.changelog, title: "Empty"),
                    ResponsesAPI.citation(9, 3, url: Self.changelog, title: "Reversed"),
                ]
            )
        ])
        #expect(try translate([message]).content == [.text("Swift 6.3 "), Self.cited("shipped.", Self.release, "Release")])
    }

    @Test func blockedDomainsLoseTheirResultsAndCitationsAndTheirTextJoinsTheTextAround() throws {
        var tool = ResponsesAPI.searchTool
        tool.blockedDomains = ["github.com"]
        let reply = try translate([Self.search, Self.citedAnswer], search: tool)
        #expect(
            Array(reply.content.dropFirst()) == [
                .webSearchToolResult(toolUseID: "srvtoolu_68c4ab69d5bc", content: .results([WebSearchResult(url: Self.release, title: "Swift 6.3 Released")])),
                Self.cited("Swift 6.3 shipped in March 2026.", Self.citedRelease, "Swift 6.3 Released"), .text(" It improves C++ interoperability."),
            ])
    }

    @Test func allowedDomainsWithAPathAreEnforcedHereToo() throws {
        var tool = ResponsesAPI.searchTool
        tool.allowedDomains = ["swift.org/blog"]
        let search = ResponsesAPI.webSearchCall(id: "ws_1", query: "swift", sources: [Self.release, "https://www.swift.org/documentation/", Self.changelog])
        #expect(try translate([search], search: tool).content[1] == .webSearchToolResult(toolUseID: "srvtoolu_1", content: .results([WebSearchResult(url: Self.release, title: "www.swift.org")])))
    }

    @Test func aSourceNoCitationTitlesIsTitledByItsHostAndEachSourceIsListedOnce() throws {
        let search = ResponsesAPI.webSearchCall(query: "swift", sources: [Self.release, Self.changelog, Self.release, "https://forums.swift.org:443/t/1"])
        let message = ResponsesAPI.citedMessage(parts: [("Swift 6.3 shipped.", [ResponsesAPI.citation(0, 9, url: Self.citedRelease, title: "")])])
        let reply = try translate([search, message])
        #expect(
            reply.content == [
                .serverToolUse(id: "srvtoolu_1", name: "web_search", input: ["query": "swift"]),
                .webSearchToolResult(
                    toolUseID: "srvtoolu_1",
                    content: .results([
                        WebSearchResult(url: Self.release, title: "www.swift.org"), WebSearchResult(url: Self.changelog, title: "github.com"),
                        WebSearchResult(url: "https://forums.swift.org:443/t/1", title: "forums.swift.org"),
                    ])),
                // A citation without a title is titled by its host as well.
                Self.cited("Swift 6.3", Self.citedRelease, "www.swift.org"), .text(" shipped."),
            ])
    }

    @Test func searchesPastMaxUsesGetTheMaxUsesErrorAndAFailedSearchIsUnavailable() throws {
        var tool = ResponsesAPI.searchTool
        tool.maxUses = 1
        let reply = try translate(
            [
                ResponsesAPI.webSearchCall(id: "ws_a", query: "first", sources: [Self.release]),
                ResponsesAPI.webSearchCall(id: "ws_b", query: "second", sources: [Self.changelog]),
                ResponsesAPI.webSearchCall(id: "ws_c", query: "third", sources: [], status: "failed"),
            ], search: tool)
        #expect(
            reply.content == [
                .serverToolUse(id: "srvtoolu_a", name: "web_search", input: ["query": "first"]),
                .webSearchToolResult(toolUseID: "srvtoolu_a", content: .results([WebSearchResult(url: Self.release, title: "www.swift.org")])),
                .serverToolUse(id: "srvtoolu_b", name: "web_search", input: ["query": "second"]),
                .webSearchToolResult(toolUseID: "srvtoolu_b", content: .error(code: "max_uses_exceeded")),
                .serverToolUse(id: "srvtoolu_c", name: "web_search", input: ["query": "third"]),
                .webSearchToolResult(toolUseID: "srvtoolu_c", content: .error(code: "unavailable")),
            ])
        // The upstream ran every search, so every one counts.
        #expect(reply.usage.webSearchRequests == 3)
    }

    @Test func openingAndSearchingInAPageAreNoBlocksAndNoSearches() throws {
        let open: JSONValue = ["id": "ws_2", "type": "web_search_call", "status": "completed", "action": ["type": "open_page", "url": .string(Self.release)]]
        let find: JSONValue = ["id": "ws_3", "type": "web_search_call", "status": "completed", "action": ["type": "find", "url": .string(Self.release), "pattern": "6.3"]]
        let reply = try translate([Self.search, open, find, ResponsesAPI.message(text: "Done.")])
        #expect(reply.content.count == 3)
        #expect(reply.content.last == .text("Done."))
        #expect(reply.usage.webSearchRequests == 1)
    }

    @Test func aCallWithoutAnIDGetsOneFromTheReplysAndTheSearchNameIsTheClients() throws {
        var tool = ResponsesAPI.searchTool
        tool.name = "search_the_web"
        let call: JSONValue = ["type": "web_search_call", "status": "completed", "action": ["type": "search", "queries": ["swift 6.3"]]]
        #expect(try translate([call], search: tool).content.first == .serverToolUse(id: "srvtoolu_01TestReply_1", name: "search_the_web", input: ["query": "swift 6.3"]))
    }

    @Test func withoutTheEstimateTheSearchesStillCount() throws {
        let reply = try translate([Self.search, Self.citedAnswer], usage: nil)
        #expect(reply.usage == Usage(inputTokens: 120, outputTokens: 17, webSearchRequests: 1))
    }

    @Test func withoutAWebSearchInTheRequestCitationsAreIgnoredAndSearchesSkipped() throws {
        let reply = try OpenAIResponsesResponseTranslator(context: .forTesting()).translate(ResponsesAPI.response(output: [Self.search, Self.citedAnswer]))
        #expect(reply.content == [.text(Self.answer)])
        #expect(reply.usage.webSearchRequests == 0)
    }

    @Test func partsOfOneMessageJoinTheirPlainTextAndARefusalIsPlainText() throws {
        let message: JSONValue = [
            "id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
            "content": [
                ["type": "output_text", "text": "Swift 6.3 shipped. ", "annotations": [ResponsesAPI.citation(0, 9, url: Self.release, title: "Release")]],
                ["type": "output_text", "text": "More soon.", "annotations": []], ["type": "refusal", "refusal": " No more."],
            ],
        ]
        let reply = try translate([message])
        #expect(reply.content == [Self.cited("Swift 6.3", Self.release, "Release"), .text(" shipped. More soon. No more.")])
        #expect(reply.stopReason == .refusal)
    }
}
