/// Where an image's or document's bytes come from.
package enum MediaSource: Sendable, Equatable {
    case base64(mediaType: String, data: String)
    case url(String)
    /// A plain-text document.
    case text(String)
}

/// One block of a message's content, in a request's history or in a reply.
package enum ContentBlock: Sendable, Equatable {
    case text(String)
    case image(MediaSource)
    case document(MediaSource, title: String?)
    case toolUse(id: String, name: String, input: JSONValue)
    /// A tool's answer; its content holds text, image and document blocks only.
    case toolResult(toolUseID: String, content: [ContentBlock], isError: Bool)
    case thinking(String, signature: String)
    case redactedThinking(data: String)
    /// Text a web search's results support, with the spans they cite (replies only).
    case citedText(String, citations: [WebSearchCitation])
    /// A tool the upstream ran itself: the web search it made (replies only).
    case serverToolUse(id: String, name: String, input: JSONValue)
    /// What that search found (replies only).
    case webSearchToolResult(toolUseID: String, content: WebSearchOutcome)
    /// The summary server-side compaction wrote of the conversation before it, nil when the
    /// summary failed, and the tool changes that conversation made (`tool_changes`; nil when not
    /// known). Replies only; a request's are read by `CompactedHistory`.
    case compaction(String?, toolChanges: [ToolChange]? = [])

    /// The block as Anthropic writes it in a reply.
    package var json: JSONValue {
        switch self {
        case .text(let text):
            return ["type": "text", "text": .string(text)]
        case .thinking(let thinking, let signature):
            return ["type": "thinking", "thinking": .string(thinking), "signature": .string(signature)]
        case .redactedThinking(let data):
            return ["type": "redacted_thinking", "data": .string(data)]
        case .toolUse(let id, let name, let input):
            return ["type": "tool_use", "id": .string(id), "name": .string(name), "input": input]
        case .image(let source):
            return ["type": "image", "source": source.json]
        case .document(let source, let title):
            var object: JSONObject = ["type": "document", "source": source.json]
            if let title { object["title"] = .string(title) }
            return .object(object)
        case .toolResult(let id, let content, let isError):
            return [
                "type": "tool_result", "tool_use_id": .string(id), "content": .array(content.map(\.json)),
                "is_error": .bool(isError),
            ]
        case .citedText(let text, let citations):
            return ["type": "text", "text": .string(text), "citations": .array(citations.map(\.json))]
        case .serverToolUse(let id, let name, let input):
            return ["type": "server_tool_use", "id": .string(id), "name": .string(name), "input": input]
        case .webSearchToolResult(let id, let content):
            return ["type": "web_search_tool_result", "tool_use_id": .string(id), "content": content.json]
        case .compaction(let summary, let toolChanges):
            var object: JSONObject = ["type": "compaction", "content": summary.map { .string($0) } ?? .null]
            if let toolChanges { object["tool_changes"] = .array(toolChanges.map(\.json)) }
            return .object(object)
        }
    }
}

extension MediaSource {
    var json: JSONValue {
        switch self {
        case .base64(let mediaType, let data):
            ["type": "base64", "media_type": .string(mediaType), "data": .string(data)]
        case .url(let url):
            ["type": "url", "url": .string(url)]
        case .text(let text):
            ["type": "text", "media_type": "text/plain", "data": .string(text)]
        }
    }
}
