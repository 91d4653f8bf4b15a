import ProxyCore
import Testing

/// Tool names upstreams accept (`[A-Za-z0-9_-]{1,64}`), and the way back to the client's names.
@Suite struct ToolNameMappingTests {
    private static func isValidUpstreamName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    @Test(arguments: ["Read", "Bash", "mcp__github__create_issue", "a", "tool-with-dashes_and_underscores_123", String(repeating: "x", count: 64)])
    func validNamesAreKept(name: String) {
        #expect(ToolNameMapping.upstreamName(for: name) == name)
    }

    @Test(arguments: [
        // FNV-1a of the original, eight hex digits, after the cleaned name.
        ("my.tool", "my_tool_177d3031"),
        ("a.b", "a_b_108bf50c"),
        ("a:b", "a_b_08bd8540"),
        ("mcp:server/tool name", "mcp_server_tool_name_4269d7d6"),
        ("读", "____41ca2ba9"),
        ("", "_811c9dc5"),
    ])
    func invalidNamesAreCleanedAndGivenAHashOfTheOriginal(name: String, expected: String) {
        #expect(ToolNameMapping.upstreamName(for: name) == expected)
    }

    @Test func namesLongerThan64BytesAreShortenedToExactly64() {
        let long = String(repeating: "a", count: 65)
        let upstream = ToolNameMapping.upstreamName(for: long)
        #expect(upstream == String(repeating: "a", count: 55) + "_2dd603ec")
        #expect(upstream.utf8.count == 64)
    }

    @Test func longNamesThatShareTheirFirst55BytesStayDistinct() {
        let a = String(repeating: "a", count: 65)
        let b = String(repeating: "a", count: 64) + "b"
        #expect(ToolNameMapping.upstreamName(for: a) != ToolNameMapping.upstreamName(for: b))
        #expect(ToolNameMapping.upstreamName(for: b) == String(repeating: "a", count: 55) + "_30d608a5")
    }

    @Test func namesThatCleanAlikeStayDistinct() {
        let names = ["a.b", "a:b", "a/b", "a b", "a@b", "a_b.", "a.b."]
        let upstream = names.map(ToolNameMapping.upstreamName(for:))
        #expect(Set(upstream).count == names.count)
        #expect(upstream.allSatisfy(Self.isValidUpstreamName))
    }

    @Test func theSameNameAlwaysMapsTheSameWay() {
        let name = "server.tool/with:odd chars " + String(repeating: "z", count: 80)
        let first = ToolNameMapping.upstreamName(for: name)
        for _ in 0..<5 { #expect(ToolNameMapping.upstreamName(for: name) == first) }
        #expect(Self.isValidUpstreamName(first))
    }

    @Test func everyMappedNameIsValidForUpstreams() {
        let names = [
            "", " ", "tool\n", "工具", "😀", "mcp__server__" + String(repeating: "long_", count: 20), "tab\tname", String(repeating: "é", count: 40),
            "quote\"name", String(repeating: "-", count: 65),
        ]
        for name in names {
            let upstream = ToolNameMapping.upstreamName(for: name)
            #expect(Self.isValidUpstreamName(upstream), "\(name.debugDescription) → \(upstream)")
        }
    }

    @Test func originalNamesComeBackForToolsAndHistory() {
        let declared = ["Read", "mcp.server/search", String(repeating: "long_tool_", count: 8)]
        let historyOnly = "old:tool"
        let request = MessagesRequest(
            model: "m", maxTokens: 10,
            messages: [
                MessagesRequest.Message(role: .user, content: [.text("hi")]),
                MessagesRequest.Message(role: .assistant, content: [.toolUse(id: "t1", name: historyOnly, input: [:])]),
                MessagesRequest.Message(role: .user, content: [.toolResult(toolUseID: "t1", content: [.text("ok")], isError: false)]),
            ],
            tools: declared.map { MessagesRequest.Tool(name: $0, inputSchema: ["type": "object"]) })
        let mapping = ToolNameMapping(request: request)
        for name in declared + [historyOnly] {
            let upstream = ToolNameMapping.upstreamName(for: name)
            #expect(mapping.originalName(for: upstream) == name, "\(name) → \(upstream)")
        }
        #expect(ToolNameMapping.upstreamName(for: historyOnly) != historyOnly)
    }

    @Test func namesTheMappingDoesNotKnowComeBackUnchanged() {
        let mapping = ToolNameMapping(request: MessagesRequest(model: "m", maxTokens: 1, messages: []))
        #expect(mapping.originalName(for: "Unknown_tool") == "Unknown_tool")
        #expect(mapping.originalName(for: "my_tool_177d3031") == "my_tool_177d3031")
    }

    @Test func mappingsOfTheSameRequestAreEqualAcrossTurns() throws {
        let first = ToolNameMapping(request: try MessagesRequest(json: try loadClaudeCodeFixture(.firstTurn)))
        let again = ToolNameMapping(request: try MessagesRequest(json: try loadClaudeCodeFixture(.firstTurn)))
        #expect(first == again)
    }
}
