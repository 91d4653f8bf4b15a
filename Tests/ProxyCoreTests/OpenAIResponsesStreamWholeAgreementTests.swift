import ProxyCore
import Testing

/// The same Responses API answer, received whole or streamed, reaches the client as the same
/// message: the stream accumulates (as the SDKs' `get_final_message` does) to the whole translation,
/// with and without a web search in the request.
@Suite struct OpenAIResponsesStreamWholeAgreementTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var response: JSONValue
        /// Characters per delta; 1 splits everything as finely as a stream can.
        var pieceSize = 4
        /// What both translations must say, so that agreeing on something wrong still fails.
        var stopReason: StopReason
        /// Searches the reply ran and the client may see.
        var searches = 0

        var testDescription: String { name }
    }

    private static let bash = ResponsesAPI.functionCall(id: "fc_1", callID: "call_b1", name: "Bash", arguments: #"{"command":"ls -la","description":"List files"}"#)
    private static let read = ResponsesAPI.functionCall(id: "fc_2", callID: "call_b2", name: "Read", arguments: #"{"file_path":"/tmp/project/README.md"}"#)

    static let scenarios: [Scenario] = [
        Scenario(name: "text", response: ResponsesAPI.response(output: [ResponsesAPI.message(text: "I'll look at the project structure first.")]), stopReason: .endTurn),
        Scenario(
            name: "reasoning summary with encrypted content, then text",
            response: ResponsesAPI.response(output: [
                ResponsesAPI.reasoning(summary: ["The user wants a number.", "6 times 7."], encrypted: "gAAAAB-enc"), ResponsesAPI.message(text: "The answer is 42."),
            ]), stopReason: .endTurn),
        Scenario(
            name: "encrypted reasoning without summary",
            response: ResponsesAPI.response(output: [ResponsesAPI.reasoning(encrypted: "gAAAAB-enc"), ResponsesAPI.message(text: "Done.")]), stopReason: .endTurn),
        Scenario(
            name: "one tool call", response: ResponsesAPI.response(output: [ResponsesAPI.message(text: "Let me list the files."), bash]), stopReason: .toolUse),
        Scenario(name: "parallel tool calls", response: ResponsesAPI.response(output: [read, bash]), pieceSize: 1, stopReason: .toolUse),
        Scenario(
            name: "reasoning, a call, more reasoning, a call",
            response: ResponsesAPI.response(output: [
                ResponsesAPI.reasoning(id: "rs_1", summary: ["Read first."], encrypted: "enc-1"), read,
                ResponsesAPI.reasoning(id: "rs_2", encrypted: "enc-2"), bash,
            ]), stopReason: .toolUse),
        Scenario(
            name: "tool call under an upstream name",
            response: ResponsesAPI.response(output: [
                ResponsesAPI.functionCall(callID: "call_g", name: ToolNameMapping.upstreamName(for: "mcp__github.create_issue"), arguments: #"{"title":"Bug"}"#)
            ]), stopReason: .toolUse),
        Scenario(
            name: "output limit",
            response: ResponsesAPI.response(
                output: [ResponsesAPI.message(text: "The list goes on and on and", status: "incomplete")], status: "incomplete", incompleteReason: "max_output_tokens"),
            stopReason: .maxTokens),
        Scenario(
            name: "content filter",
            response: ResponsesAPI.response(output: [ResponsesAPI.message(text: "Here is", status: "incomplete")], status: "incomplete", incompleteReason: "content_filter"),
            stopReason: .refusal),
        Scenario(name: "refusal", response: ResponsesAPI.response(output: [ResponsesAPI.message(refusal: "I can't help with that.")]), stopReason: .refusal),
        Scenario(
            name: "usage with cached and reasoning tokens",
            response: ResponsesAPI.response(
                output: [ResponsesAPI.message(text: "Cached.")], usage: ResponsesAPI.usage(input: 2_000, output: 300, cached: 1_536, reasoning: 256)),
            stopReason: .endTurn),
        Scenario(
            name: "no usage",
            response: ResponsesAPI.response(output: [ResponsesAPI.reasoning(summary: ["Short thought."]), ResponsesAPI.message(text: "Estimated reply.")], usage: nil),
            stopReason: .endTurn),
        Scenario(name: "empty reply", response: ResponsesAPI.response(output: []), stopReason: .endTurn),
    ]

    private typealias Search = OpenAIResponsesWebSearchTests

    /// Replies to a request with a web search (`max_uses` 2, github.com blocked).
    static let searchScenarios: [Scenario] = [
        Scenario(name: "a search and its cited answer", response: ResponsesAPI.response(output: [Search.search, Search.citedAnswer]), stopReason: .endTurn, searches: 1),
        Scenario(
            name: "multi-byte text cited letter by letter",
            response: ResponsesAPI.response(output: [
                Search.search,
                ResponsesAPI.citedMessage(parts: [
                    (
                        "🚀 Swift 6.3 ist da — „schneller“ ☕️ und sicherer. Mehr folgt.",
                        [ResponsesAPI.citation(21, 35, url: Search.release, title: "Swift 6.3"), ResponsesAPI.citation(36, 49, url: Search.changelog, title: "Changelog")]
                    )
                ]),
            ]), pieceSize: 1, stopReason: .endTurn, searches: 1),
        Scenario(
            name: "reasoning between searches past max_uses, then the answer",
            response: ResponsesAPI.response(output: [
                ResponsesAPI.reasoning(id: "rs_1", encrypted: "enc-1"), ResponsesAPI.webSearchCall(id: "ws_a", query: "swift 6.3", sources: [Search.release]),
                ResponsesAPI.reasoning(id: "rs_2", summary: ["Check the changelog."], encrypted: "enc-2"),
                ResponsesAPI.webSearchCall(id: "ws_b", query: "swift changelog", sources: [Search.changelog]),
                ResponsesAPI.webSearchCall(id: "ws_c", query: "swift forums", sources: ["https://forums.swift.org/t/1"]), Search.citedAnswer,
            ]), stopReason: .endTurn, searches: 3),
        Scenario(
            name: "a failed search and a page opened",
            response: ResponsesAPI.response(output: [
                ResponsesAPI.webSearchCall(id: "ws_a", query: "swift 6.3", sources: [], status: "failed"),
                ["id": "ws_b", "type": "web_search_call", "status": "completed", "action": ["type": "open_page", "url": .string(Search.release)]],
                ResponsesAPI.message(text: "I could not search."),
            ]), stopReason: .endTurn, searches: 1),
        Scenario(
            name: "a search, then a tool call",
            response: ResponsesAPI.response(output: [Search.search, ResponsesAPI.message(text: "Let me check locally."), bash]), stopReason: .toolUse, searches: 1),
        Scenario(name: "a cited answer without searching", response: ResponsesAPI.response(output: [Search.citedAnswer]), stopReason: .endTurn),
        Scenario(
            name: "a search without usage", response: ResponsesAPI.response(output: [Search.search, Search.citedAnswer], usage: nil), pieceSize: 3, stopReason: .endTurn,
            searches: 1),
    ]

    private static let searchingContext: OpenAIResponsesReplyContext = {
        var search = ResponsesAPI.searchTool
        search.maxUses = 2
        search.blockedDomains = ["github.com"]
        var context = ResponsesAPI.searchingContext(search)
        context.toolNames = OpenAIResponsesStreamWholeAgreementTests.context.toolNames
        return context
    }()

    private static let context = OpenAIResponsesReplyContext.forTesting(tools: ["Bash", "Read", "mcp__github.create_issue"])

    @Test(arguments: scenarios)
    func streamAccumulatesToTheWholeTranslation(scenario: Scenario) throws {
        let whole = try OpenAIResponsesResponseTranslator(context: Self.context).translate(scenario.response)
        var translator = OpenAIResponsesStreamTranslator(context: Self.context)
        let streamed = try accumulate(translator.translateAll(ResponsesAPI.stream(of: scenario.response, pieceSize: scenario.pieceSize)))
        #expect(streamed == whole)
        #expect(whole.stopReason == scenario.stopReason)
    }

    /// With a web search in the request messages are held part by part and searches become
    /// blocks; every reply still agrees, those that searched and those that did not.
    @Test(arguments: scenarios + searchScenarios)
    func streamAccumulatesToTheWholeTranslationWhenTheRequestSearches(scenario: Scenario) throws {
        let whole = try OpenAIResponsesResponseTranslator(context: Self.searchingContext).translate(scenario.response)
        var translator = OpenAIResponsesStreamTranslator(context: Self.searchingContext)
        let streamed = try accumulate(translator.translateAll(ResponsesAPI.searchingStream(of: scenario.response, pieceSize: scenario.pieceSize)))
        #expect(streamed == whole)
        #expect(whole.stopReason == scenario.stopReason)
        #expect(whole.usage.webSearchRequests == scenario.searches)
        let searchBlocks = whole.content.filter {
            if case .serverToolUse = $0 { return true }
            return false
        }
        #expect(searchBlocks.count == scenario.searches)
    }
}
