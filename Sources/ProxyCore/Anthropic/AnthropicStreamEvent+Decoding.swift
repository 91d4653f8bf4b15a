/// Why a stream event or a message read from the wire is not what Anthropic sends.
package struct UndecodableEvent: Error, CustomStringConvertible {
    package let description: String
}

/// Reading Anthropic's own wire format back, strictly: what tests, the benchmark and
/// Anthropic-compatible upstreams need to check a reply against the grammar.
extension AnthropicStreamEvent {
    /// Reads an event back from the wire; anything off-grammar throws.
    package init(sse: SSEEvent) throws {
        let json = try JSONParser.parse(sse.data)
        guard let type = json["type"]?.stringValue, type == sse.event else {
            throw UndecodableEvent(description: "event name \(sse.event ?? "nil") does not match payload type in \(sse.data)")
        }
        func int(_ value: JSONValue?) throws -> Int {
            guard let number = value?.intValue else { throw UndecodableEvent(description: "missing integer in \(sse.data)") }
            return number
        }
        switch type {
        case "message_start":
            guard let message = json["message"], message["content"] == [], message["stop_reason"] == .null else {
                throw UndecodableEvent(description: "message_start must carry an empty message: \(sse.data)")
            }
            var start = AnthropicMessage(
                id: message["id"]?.stringValue ?? "", model: message["model"]?.stringValue ?? "", content: [], stopReason: nil,
                usage: try Usage(json: message["usage"]))
            start.cacheDiagnosis = try CacheDiagnosis(json: message["diagnostics"])
            self = .messageStart(start)
        case "content_block_start":
            let block = json["content_block"]
            switch block?["type"]?.stringValue {
            case "text"? where block?["citations"] == []: self = .contentBlockStart(index: try int(json["index"]), block: .citedText)
            case "text"?: self = .contentBlockStart(index: try int(json["index"]), block: .text)
            case "server_tool_use"?:
                guard block?["input"] == [:] else { throw UndecodableEvent(description: "server_tool_use must start with empty input: \(sse.data)") }
                self = .contentBlockStart(
                    index: try int(json["index"]), block: .serverToolUse(id: block?["id"]?.stringValue ?? "", name: block?["name"]?.stringValue ?? ""))
            case "web_search_tool_result"?:
                self = .contentBlockStart(
                    index: try int(json["index"]),
                    block: .webSearchToolResult(toolUseID: block?["tool_use_id"]?.stringValue ?? "", content: try WebSearchOutcome(json: block?["content"])))
            case "thinking"?: self = .contentBlockStart(index: try int(json["index"]), block: .thinking)
            case "compaction"?: self = .contentBlockStart(index: try int(json["index"]), block: .compaction(toolChanges: try CompactedHistory.toolChanges(block?["tool_changes"], path: "content_block.tool_changes")))
            case "tool_use"?:
                guard block?["input"] == [:] else { throw UndecodableEvent(description: "tool_use must start with empty input: \(sse.data)") }
                self = .contentBlockStart(
                    index: try int(json["index"]), block: .toolUse(id: block?["id"]?.stringValue ?? "", name: block?["name"]?.stringValue ?? ""))
            default: throw UndecodableEvent(description: "unknown block \(sse.data)")
            }
        case "content_block_delta":
            let delta = json["delta"]
            let index = try int(json["index"])
            switch delta?["type"]?.stringValue {
            case "text_delta"?: self = .contentBlockDelta(index: index, delta: .text(delta?["text"]?.stringValue ?? ""))
            case "compaction_delta"?: self = .contentBlockDelta(index: index, delta: .compaction(delta?["content"]?.stringValue))
            case "thinking_delta"?:
                let text = delta?["thinking"]?.stringValue ?? ""
                if text.isEmpty, let tokens = delta?["estimated_tokens"]?.intValue {
                    self = .contentBlockDelta(index: index, delta: .thinkingEstimate(tokens))
                } else {
                    self = .contentBlockDelta(index: index, delta: .thinking(text))
                }
            case "signature_delta"?: self = .contentBlockDelta(index: index, delta: .signature(delta?["signature"]?.stringValue ?? ""))
            case "input_json_delta"?: self = .contentBlockDelta(index: index, delta: .inputJSON(delta?["partial_json"]?.stringValue ?? ""))
            case "citations_delta"?: self = .contentBlockDelta(index: index, delta: .citation(try WebSearchCitation(json: delta?["citation"])))
            default: throw UndecodableEvent(description: "unknown delta \(sse.data)")
            }
        case "content_block_stop":
            self = .contentBlockStop(index: try int(json["index"]))
        case "message_delta":
            guard let reason = json["delta"]?["stop_reason"]?.stringValue.flatMap(StopReason.init(rawValue:)) else {
                throw UndecodableEvent(description: "message_delta without stop_reason: \(sse.data)")
            }
            self = .messageDelta(
                stopReason: reason, stopSequence: json["delta"]?["stop_sequence"]?.stringValue, usage: try Usage(json: json["usage"]),
                contextManagement: try ContextEditReport(json: json["context_management"]), stopDetails: RefusalDetails(json: json["delta"]?["stop_details"]))
        case "message_stop":
            self = .messageStop
        case "ping":
            self = .ping
        case "error":
            let kind = json["error"]?["type"]?.stringValue.flatMap(AnthropicError.Kind.init(rawValue:)) ?? .api
            self = .error(AnthropicError(kind, json["error"]?["message"]?.stringValue ?? ""))
        default:
            throw UndecodableEvent(description: "unknown event \(sse.data)")
        }
    }
}

extension Usage {
    package init(json: JSONValue?) throws {
        guard let json, let output = json["output_tokens"]?.intValue else { throw UndecodableEvent(description: "usage without output_tokens") }
        self.init(
            inputTokens: json["input_tokens"]?.intValue ?? 0, outputTokens: output,
            cacheCreationInputTokens: json["cache_creation_input_tokens"]?.intValue ?? 0,
            cacheReadInputTokens: json["cache_read_input_tokens"]?.intValue ?? 0,
            webSearchRequests: json["server_tool_use"]?["web_search_requests"]?.intValue ?? 0,
            compaction: TokenCounts.compaction(in: json))
    }
}

extension ContextEditReport {
    /// Reads `context_management` back from the wire; nil when there is none.
    package init?(json: JSONValue?) throws {
        guard let json, !json.isNull else { return nil }
        guard let edits = json["applied_edits"]?.arrayValue else { throw UndecodableEvent(description: "context_management without applied_edits") }
        self.init(
            appliedEdits: try edits.map { edit in
                let tokens = edit["cleared_input_tokens"]?.intValue ?? 0
                switch edit["type"]?.stringValue {
                case "clear_tool_uses_20250919"?: return .clearedToolUses(count: edit["cleared_tool_uses"]?.intValue ?? 0, inputTokens: tokens)
                case "clear_thinking_20251015"?: return .clearedThinking(turns: edit["cleared_thinking_turns"]?.intValue ?? 0, inputTokens: tokens)
                default: throw UndecodableEvent(description: "unknown applied edit \(JSONWriter.string(edit))")
                }
            })
    }
}

extension CacheDiagnosis {
    /// Reads a reply's `diagnostics` back from the wire; nil when it has none.
    package init?(json: JSONValue?) throws {
        guard let json else { return nil }
        guard let reason = json["cache_miss_reason"] else {
            guard json.isNull else { throw UndecodableEvent(description: "diagnostics without cache_miss_reason: \(JSONWriter.string(json))") }
            self = .unchanged
            return
        }
        let tokens = reason["cache_missed_input_tokens"]?.intValue ?? 0
        switch reason["type"]?.stringValue {
        case "model_changed"?: self = .missed(.modelChanged(missedTokens: tokens))
        case "tools_changed"?: self = .missed(.toolsChanged(missedTokens: tokens))
        case "system_changed"?: self = .missed(.systemChanged(missedTokens: tokens))
        case "messages_changed"?: self = .missed(.messagesChanged(missedTokens: tokens))
        case "previous_message_not_found"?: self = .missed(.previousMessageNotFound)
        case "unavailable"?: self = .missed(.unavailable)
        default: throw UndecodableEvent(description: "unknown cache_miss_reason \(JSONWriter.string(reason))")
        }
    }
}

extension WebSearchOutcome {
    package init(json: JSONValue?) throws {
        if let results = json?.arrayValue {
            self = .results(
                try results.map { result in
                    guard result["type"] == "web_search_result", let url = result["url"]?.stringValue, let title = result["title"]?.stringValue,
                        let content = result["encrypted_content"]?.stringValue
                    else { throw UndecodableEvent(description: "not a web_search_result: \(JSONWriter.string(result))") }
                    return WebSearchResult(url: url, title: title, encryptedContent: content, pageAge: result["page_age"]?.stringValue)
                })
        } else if json?["type"] == "web_search_tool_result_error", let code = json?["error_code"]?.stringValue {
            self = .error(code: code)
        } else {
            throw UndecodableEvent(description: "not web search results: \(json.map(JSONWriter.string) ?? "nothing")")
        }
    }
}

extension WebSearchCitation {
    package init(json: JSONValue?) throws {
        guard let json, json["type"] == "web_search_result_location", let url = json["url"]?.stringValue, let title = json["title"]?.stringValue,
            let cited = json["cited_text"]?.stringValue, let index = json["encrypted_index"]?.stringValue
        else { throw UndecodableEvent(description: "not a web_search_result_location: \(json.map(JSONWriter.string) ?? "nothing")") }
        self.init(url: url, title: title, citedText: cited, encryptedIndex: index)
    }
}

extension AnthropicMessage {
    /// Reads a whole reply back from the wire.
    package init(json: JSONValue) throws {
        guard json["type"] == "message", json["role"] == "assistant", let id = json["id"]?.stringValue, id.hasPrefix("msg_") else {
            throw UndecodableEvent(description: "not a message: \(JSONWriter.string(json))")
        }
        let content: [ContentBlock] = try (json["content"]?.arrayValue ?? []).map { block in
            switch block["type"]?.stringValue {
            case "text"?:
                guard let citations = block["citations"]?.arrayValue else { return .text(block["text"]?.stringValue ?? "") }
                return .citedText(block["text"]?.stringValue ?? "", citations: try citations.map { try WebSearchCitation(json: $0) })
            case "server_tool_use"?:
                return .serverToolUse(id: block["id"]?.stringValue ?? "", name: block["name"]?.stringValue ?? "", input: block["input"] ?? .null)
            case "web_search_tool_result"?:
                return .webSearchToolResult(toolUseID: block["tool_use_id"]?.stringValue ?? "", content: try WebSearchOutcome(json: block["content"]))
            case "thinking"?: return .thinking(block["thinking"]?.stringValue ?? "", signature: block["signature"]?.stringValue ?? "")
            case "compaction"?: return .compaction(block["content"]?.stringValue, toolChanges: try CompactedHistory.toolChanges(block["tool_changes"], path: "content.tool_changes"))
            case "tool_use"?:
                return .toolUse(id: block["id"]?.stringValue ?? "", name: block["name"]?.stringValue ?? "", input: block["input"] ?? .null)
            default: throw UndecodableEvent(description: "unknown block \(JSONWriter.string(block))")
            }
        }
        self.init(
            id: id, model: json["model"]?.stringValue ?? "", content: content,
            stopReason: json["stop_reason"]?.stringValue.flatMap(StopReason.init(rawValue:)),
            stopSequence: json["stop_sequence"]?.stringValue, usage: try Usage(json: json["usage"]))
        contextManagement = try ContextEditReport(json: json["context_management"])
        cacheDiagnosis = try CacheDiagnosis(json: json["diagnostics"])
        stopDetails = RefusalDetails(json: json["stop_details"])
    }
}
