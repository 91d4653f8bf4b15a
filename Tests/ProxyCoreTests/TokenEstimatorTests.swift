import ProxyCore
import Testing

/// The local input-token estimate: prose at 4 bytes a token, JSON at 3, 4 tokens of framing per
/// message, block and tool, 1,600 per image.
@Suite struct TokenEstimatorTests {
    private func request(
        system: [String] = [], messages: [MessagesRequest.Message] = [], tools: [MessagesRequest.Tool] = []
    ) -> MessagesRequest {
        MessagesRequest(model: "m", maxTokens: 100, messages: messages, system: system, tools: tools)
    }

    private func user(_ blocks: ContentBlock...) -> MessagesRequest.Message {
        MessagesRequest.Message(role: .user, content: blocks)
    }

    private func estimate(_ blocks: ContentBlock...) -> Int {
        TokenEstimator.estimate(request(messages: [MessagesRequest.Message(role: .user, content: blocks)]))
    }

    @Test func anEmptyRequestCountsOneToken() {
        #expect(TokenEstimator.estimate(request()) == 1)
    }

    @Test func systemTextCountsFourBytesATokenPlusFraming() {
        #expect(TokenEstimator.estimate(request(system: ["abcd"])) == 5)
        #expect(TokenEstimator.estimate(request(system: ["abcde"])) == 6)
        #expect(TokenEstimator.estimate(request(system: ["abcd", String(repeating: "x", count: 400)])) == 5 + 104)
    }

    @Test func proseCountsUTF8BytesNotCharacters() {
        // "é" is 2 bytes: 8 of them are 16 bytes, 4 tokens.
        #expect(TokenEstimator.estimate(request(system: [String(repeating: "é", count: 8)])) == 4 + 4)
    }

    @Test func messagesAndTextBlocksCountTheirFraming() {
        #expect(estimate() == 4)
        #expect(estimate(.text("abcdefgh")) == 4 + 4 + 2)
        #expect(estimate(.text("abcdefgh"), .text("")) == 4 + 4 + 2 + 4)
        let two = TokenEstimator.estimate(request(messages: [user(.text("abcd")), MessagesRequest.Message(role: .assistant, content: [.text("abcd")])]))
        #expect(two == 2 * (4 + 4 + 1))
    }

    @Test func toolDefinitionsCountNameDescriptionAndSchemaAsJSON() {
        // {"type":"object"} is 17 bytes: 6 tokens at 3 bytes each, rounded up.
        let tool = MessagesRequest.Tool(name: "read", description: "Reads", inputSchema: ["type": "object"])
        #expect(TokenEstimator.estimate(request(tools: [tool])) == 4 + 1 + 2 + 6)
        let bigger = MessagesRequest.Tool(
            name: "read", description: "Reads", inputSchema: ["type": "object", "properties": ["path": ["type": "string", "description": "Where"]]])
        #expect(TokenEstimator.estimate(request(tools: [bigger])) > TokenEstimator.estimate(request(tools: [tool])))
        #expect(TokenEstimator.estimate(request(tools: [tool, tool])) == 2 * 13)
    }

    @Test func toolUseInputsCountAsJSON() {
        // {"path":"/a"} is 13 bytes: 5 tokens.
        #expect(estimate(.toolUse(id: "toolu_1", name: "read", input: ["path": "/a"])) == 4 + 4 + 1 + 5)
        let longer = estimate(.toolUse(id: "toolu_1", name: "read", input: ["path": .string(String(repeating: "a", count: 300))]))
        #expect(longer == 4 + 4 + 1 + (311 + 2) / 3)
    }

    @Test func toolResultsCountTheirContent() {
        #expect(estimate(.toolResult(toolUseID: "t", content: [], isError: false)) == 4 + 4)
        #expect(estimate(.toolResult(toolUseID: "t", content: [.text("abcd")], isError: false)) == 4 + 4 + 5)
        #expect(estimate(.toolResult(toolUseID: "t", content: [.text("abcd"), .image(.url("http://x/i.png"))], isError: true)) == 4 + 4 + 5 + 1_600)
    }

    @Test func thinkingCountsLikeProse() {
        #expect(estimate(.thinking("abcdefgh", signature: "ignored-signature")) == 4 + 4 + 2)
        #expect(estimate(.redactedThinking(data: "abcdefgh")) == 4 + 4 + 2)
    }

    @Test func eachImageCounts1600() {
        let image = ContentBlock.image(.base64(mediaType: "image/png", data: String(repeating: "A", count: 10_000)))
        #expect(estimate(image) == 4 + 1_600)
        #expect(estimate(image, .image(.url("https://example.com/cat.png"))) == 4 + 3_200)
    }

    @Test func documentsCountByKind() {
        // A base64 PDF: 4,000 characters decode to 3,000 bytes, one token per 30.
        #expect(estimate(.document(.base64(mediaType: "application/pdf", data: String(repeating: "A", count: 4_000)), title: nil)) == 4 + 100)
        #expect(estimate(.document(.text("abcdefgh"), title: "notes")) == 4 + 4 + 2)
        #expect(estimate(.document(.url("https://example.com/a.pdf"), title: nil)) == 4 + 1_600)
    }

    @Test func everyPartMakesTheEstimateGrow() {
        var parts = request(messages: [user(.text("hello"))])
        var previous = TokenEstimator.estimate(parts)
        func grows(_ change: (inout MessagesRequest) -> Void, _ label: String) {
            change(&parts)
            let next = TokenEstimator.estimate(parts)
            #expect(next > previous, "\(label): \(next) is not more than \(previous)")
            previous = next
        }
        grows({ $0.system.append("You are helpful.") }, "system")
        grows({ $0.messages.append(MessagesRequest.Message(role: .assistant, content: [.text("Sure.")])) }, "message")
        grows({ $0.tools.append(MessagesRequest.Tool(name: "bash", inputSchema: ["type": "object"])) }, "tool")
        grows({ $0.messages[1].content.append(.toolUse(id: "t1", name: "bash", input: ["command": "ls"])) }, "tool_use")
        grows({ $0.messages.append(user(.toolResult(toolUseID: "t1", content: [.text("a.txt")], isError: false))) }, "tool_result")
        grows({ $0.messages[1].content.insert(.thinking("Let me look.", signature: "s"), at: 0) }, "thinking")
        grows({ $0.messages[0].content.append(.image(.url("https://example.com/x.png"))) }, "image")
    }

    @Test func theEstimateIgnoresModelAndSamplingSettings() {
        var a = request(messages: [user(.text("hello"))])
        let base = TokenEstimator.estimate(a)
        a.model = "a-much-longer-model-name"
        a.maxTokens = 64_000
        a.temperature = 0.5
        a.stopSequences = ["STOP"]
        #expect(TokenEstimator.estimate(a) == base)
    }

    @Test(arguments: ClaudeCodeFixture.allCases)
    func claudeCodeFixturesLandNearAQuarterOfTheirBytes(fixture: ClaudeCodeFixture) throws {
        let body = try loadClaudeCodeFixtureBody(fixture)
        let request = try MessagesRequest(json: try JSONParser.parse(body))
        let estimate = TokenEstimator.estimate(request)
        let quarter = body.count / 4
        // Keys, quotes and metadata are not counted, but schemas count at 3 bytes a token and every
        // block adds framing: the estimate is about 6% over bytes / 4; allow 90%–120%.
        #expect(estimate >= quarter * 9 / 10, "estimate \(estimate), bytes / 4 = \(quarter)")
        #expect(estimate <= quarter * 12 / 10, "estimate \(estimate), bytes / 4 = \(quarter)")
    }

    @Test func laterTurnsOfTheSameConversationEstimateHigher() throws {
        let first = TokenEstimator.estimate(try MessagesRequest(json: try loadClaudeCodeFixture(.firstTurn)))
        let second = TokenEstimator.estimate(try MessagesRequest(json: try loadClaudeCodeFixture(.toolResultTurn)))
        #expect(second > first)
    }
}
