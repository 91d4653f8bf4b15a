import Testing

@testable import ProxyCore

/// What the decoder makes of server tools, tool search, threads and structured outputs.
struct ServerToolDecodingTests {
    private func decode(_ body: String) throws -> MessagesRequest {
        try MessagesRequest(json: try JSONParser.parse(body))
    }

    private func decodingError(_ body: String) throws -> AnthropicError? {
        do {
            _ = try decode(body)
            return nil
        } catch let error as AnthropicError {
            return error
        }
    }

    // MARK: - Web search and web fetch

    @Test func claudeCodesWebSearchRequestDeclaresTheSearchAndNoClientTool() throws {
        let request = try MessagesRequest(json: try Fixture.claudeCodeRequest("web-search-request"))
        #expect(request.tools.isEmpty)
        #expect(request.webSearch == MessagesRequest.ServerTool(kind: .webSearch, type: "web_search_20250305", name: "web_search", maxUses: 8))
        #expect(request.webFetch == nil)
        #expect(request.toolChoice == .auto)
    }

    @Test(arguments: ["web_search_20250305", "web_search_20260209", "web_search_20270101"])
    func everyVersionOfTheSearchToolIsASearch(type: String) throws {
        let request = try decode(
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"}],"tools":[{"type":"\#(type)","name":"web_search","allowed_domains":["swift.org"],"blocked_domains":["spam.example"],"user_location":{"type":"approximate","city":"Oslo"}}],"tool_choice":{"type":"tool","name":"web_search"}}"#
        )
        let search = try #require(request.webSearch)
        #expect(search.type == type)
        #expect(search.maxUses == nil)
        #expect(search.allowedDomains == ["swift.org"])
        #expect(search.blockedDomains == ["spam.example"])
        #expect(search.userLocation == ["type": "approximate", "city": "Oslo"])
        #expect(request.toolChoice == .auto, "a tool_choice naming the search offers it; the upstream's own search cannot be forced")
    }

    @Test func webFetchIsAServerToolToo() throws {
        let request = try decode(
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"}],"tools":[{"type":"web_fetch_20250910","name":"web_fetch","max_uses":2}]}"#)
        #expect(request.webFetch == MessagesRequest.ServerTool(kind: .webFetch, type: "web_fetch_20250910", name: "web_fetch", maxUses: 2))
        #expect(request.webSearch == nil)
    }

    @Test func aServerToolDeclaredTwiceIsRefused() throws {
        let error = try #require(
            try decodingError(
                #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"a"},{"type":"web_search_20260209","name":"b"}]}"#))
        #expect(error.status == 400)
        #expect(error.message == "tools.1.type: 'web_search_20260209' is declared twice; declare each server tool once")
    }

    @Test(arguments: [
        ("https://www.swift.org/blog/swift-6", true),
        ("https://swift.org", true),
        ("https://forums.swift.org/t/1", false),
        ("https://notswift.org/", false),
        ("https://docs.example.com/guide/a", true),
        ("https://docs.example.com/other", false),
    ])
    func domainListsFilterResultsBySubdomainAndPath(url: String, allowed: Bool) {
        let search = MessagesRequest.ServerTool(
            kind: .webSearch, type: "web_search_20250305", name: "web_search", allowedDomains: ["swift.org", "docs.example.com/guide"],
            blockedDomains: ["forums.swift.org"])
        #expect(search.allows(url: url) == allowed)
    }

    @Test func aBareHostIsCheckedLikeAURL() {
        let search = MessagesRequest.ServerTool(kind: .webSearch, type: "web_search_20250305", name: "web_search", blockedDomains: ["reddit.com"])
        #expect(search.allows(host: "Reddit.com") == false)
        #expect(search.allows(host: "swift.org"))
    }

    @Test func anEarlierSearchInTheHistoryReachesTheUpstreamAsText() throws {
        let request = try decode(
            #"""
            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[
              {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"swift 6.3"}},
              {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[{"type":"web_search_result","url":"https://swift.org/a","title":"Swift 6.3","encrypted_content":"x","page_age":null}]},
              {"type":"web_search_tool_result","tool_use_id":"srvtoolu_2","content":{"type":"web_search_tool_result_error","error_code":"max_uses_exceeded"}},
              {"type":"text","text":"Swift 6.3 is out.","citations":[{"type":"web_search_result_location","url":"https://swift.org/a","title":"Swift 6.3","cited_text":"out","encrypted_index":"y"}]},
              {"type":"text","text":" ","citations":null},
              {"type":"text","text":"It is fast.","citations":[{"type":"web_search_result_location","url":"https://swift.org/a","title":"Swift 6.3","cited_text":"fast","encrypted_index":"y"}]}
            ]}]}
            """#)
        #expect(
            request.messages[1].content == [
                .text("Searched the web for: swift 6.3"), .text("Web search results:\n- Swift 6.3 (https://swift.org/a)"),
                .text("The search failed (max_uses_exceeded)."), .text("Swift 6.3 is out. It is fast."),
            ], "the answer's spans join back into one text, not paragraphs")
    }

    // MARK: - Tool search

    @Test func aDeferredToolReachesTheUpstreamOnlyOnceAToolReferenceLoadsIt() throws {
        let request = try MessagesRequest(json: try Fixture.claudeCodeRequest("tool-search-turn"))
        #expect(request.tools.map(\.name).contains("WebSearch"), "loaded by the tool_reference in the ToolSearch result")
        #expect(!request.tools.map(\.name).contains("DeferredToolPlaceholder"), "deferred and never loaded")
        #expect(request.tools.map(\.name) == ["Agent", "Bash", "Edit", "ListAgents", "Read", "ReportFindings", "ScheduleWakeup", "Skill", "ToolSearch", "WebSearch", "Workflow", "Write"])
        let result = request.messages.flatMap(\.content).compactMap { block -> [ContentBlock]? in
            if case .toolResult(_, let content, _) = block { return content }
            return nil
        }
        #expect(result == [[.text("Tool WebSearch is now available.")]])
    }

    @Test func aToolChoiceNamingADeferredToolLoadsIt() throws {
        let request = try decode(
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"}],"tools":[{"name":"A","input_schema":{},"defer_loading":true},{"name":"B","input_schema":{},"defer_loading":true}],"tool_choice":{"type":"tool","name":"B"}}"#
        )
        #expect(request.tools.map(\.name) == ["B"])
    }

    // MARK: - Structured outputs

    @Test func theSchemaComesFromOutputConfigOrTheOlderOutputFormat() throws {
        let schema: JSONValue = ["type": "object", "properties": ["a": ["type": "string"]]]
        let current = try decode(
            #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"output_config":{"effort":"low","format":{"type":"json_schema","schema":\#(JSONWriter.string(schema))}}}"#)
        #expect(current.outputSchema == schema)
        #expect(current.effort == "low")
        let older = try decode(#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"output_format":{"type":"json_schema","schema":\#(JSONWriter.string(schema))}}"#)
        #expect(older.outputSchema == schema)
    }

    @Test func anOutputFormatOtherThanAJSONSchemaIsRefused() throws {
        let error = try #require(try decodingError(#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"output_config":{"format":{"type":"regex"}}}"#))
        #expect(error.message == "output_config.format.type: must be 'json_schema', not 'regex'")
    }
}
