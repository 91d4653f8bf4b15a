/// A local estimate of a request's input tokens, for `count_tokens` and for usage before the
/// upstream reports its own.
///
/// The rule, deliberately a little high so that clients compact before an upstream refuses:
/// prose at 4 UTF-8 bytes a token, JSON (tool schemas, tool inputs) at 3, plus 4 tokens of framing
/// per message, block and tool; an image counts 1,600 tokens (Anthropic's cost of a full-size
/// image), a PDF one token per 30 bytes of file. Every part of the request counts: system,
/// messages, tool calls and results, thinking, and tool definitions.
package enum TokenEstimator {
    package static func estimate(_ request: MessagesRequest) -> Int {
        var total = estimate(system: request.system) + estimate(tools: request.tools)
        if let decoded = request.decodedMessages {
            for message in decoded { total += message.estimatedTokens }
        } else {
            for message in request.messages { total += estimate(message) }
        }
        return max(total, 1)
    }

    /// The system prompt's part of the estimate.
    static func estimate(system: [String]) -> Int {
        system.reduce(0) { $0 + prose($1) + 4 }
    }

    /// The tool definitions' part of the estimate.
    static func estimate(tools: [MessagesRequest.Tool]) -> Int {
        tools.reduce(0) { $0 + 4 + prose($1.name) + prose($1.description ?? "") + json($1.inputSchema) }
    }

    /// A message's part of the estimate.
    static func estimate(_ message: MessagesRequest.Message) -> Int {
        message.content.reduce(4) { $0 + estimate($1) }
    }

    /// A block's part of the estimate.
    static func estimate(_ block: ContentBlock) -> Int {
        switch block {
        case .text(let text), .citedText(let text, _): return 4 + prose(text)
        case .serverToolUse(_, let name, let input): return 4 + prose(name) + json(input)
        case .webSearchToolResult(_, let content): return 4 + json(content.json)
        case .thinking(let text, _): return 4 + prose(text)
        case .redactedThinking(let data): return 4 + data.utf8.count / 4
        case .toolUse(_, let name, let input): return 4 + prose(name) + json(input)
        case .toolResult(_, let content, _): return 4 + content.reduce(0) { $0 + estimate($1) }
        case .image: return 1_600
        case .document(.base64(_, let data), _): return data.utf8.count * 3 / 4 / 30
        case .document(.text(let text), _): return 4 + prose(text)
        case .document(.url, _): return 1_600
        case .compaction(let summary, _): return 4 + prose(summary ?? "")
        }
    }

    private static func prose(_ text: String) -> Int {
        proseTokens(bytes: text.utf8.count)
    }

    /// The tokens of `bytes` of UTF-8 prose, by the rule above (for text counted as it streams).
    package static func proseTokens(bytes: Int) -> Int {
        (bytes + 3) / 4
    }

    private static func json(_ value: JSONValue) -> Int {
        (JSONWriter.encodedCount(value) + 2) / 3
    }
}
