/// Builds the whole message a stream describes, the way the Anthropic SDKs' `get_final_message`
/// does, and checks the stream's grammar on the way: an out-of-order event is an error.
package struct StreamAccumulator: Sendable {
    package enum GrammarError: Error, Equatable, CustomStringConvertible {
        case unexpected(event: String, reason: String)
        case streamError(AnthropicError)

        package var description: String {
            switch self {
            case .unexpected(let event, let reason): "unexpected \(event): \(reason)"
            case .streamError(let error): "stream error: \(error)"
            }
        }
    }

    private enum OpenBlock {
        case text(String)
        case thinking(String, signature: String)
        case redactedThinking(String)
        case toolUse(id: String, name: String, json: String)
        case citedText(String, citations: [WebSearchCitation])
        case serverToolUse(id: String, name: String, json: String)
        case webSearchToolResult(toolUseID: String, content: WebSearchOutcome)
        case compaction(String?, toolChanges: [ToolChange]?)
    }

    private var message: AnthropicMessage?
    private var blocks: [ContentBlock] = []
    private var open: OpenBlock?
    private var stopped = false

    package init() {}

    /// The finished message, once `message_stop` has arrived.
    package var finalMessage: AnthropicMessage? {
        stopped ? message : nil
    }

    package mutating func consume(_ event: AnthropicStreamEvent) throws(GrammarError) {
        if stopped { throw .unexpected(event: event.name, reason: "after message_stop") }
        if message == nil, event != .ping {
            guard case .messageStart(let start) = event else {
                if case .error(let error) = event { throw .streamError(error) }
                throw .unexpected(event: event.name, reason: "before message_start")
            }
            message = start
            return
        }
        switch event {
        case .messageStart:
            throw .unexpected(event: event.name, reason: "a second message_start")
        case .ping:
            return
        case .contentBlockStart(let index, let block):
            guard open == nil else { throw .unexpected(event: event.name, reason: "block \(index) opened while another is open") }
            guard index == blocks.count else { throw .unexpected(event: event.name, reason: "index \(index), expected \(blocks.count)") }
            switch block {
            case .text: open = .text("")
            case .thinking: open = .thinking("", signature: "")
            case .redactedThinking(let data): open = .redactedThinking(data)
            case .toolUse(let id, let name): open = .toolUse(id: id, name: name, json: "")
            case .citedText: open = .citedText("", citations: [])
            case .serverToolUse(let id, let name): open = .serverToolUse(id: id, name: name, json: "")
            case .webSearchToolResult(let id, let content): open = .webSearchToolResult(toolUseID: id, content: content)
            case .compaction(let toolChanges): open = .compaction(nil, toolChanges: toolChanges)
            }
        case .contentBlockDelta(let index, let delta):
            guard index == blocks.count, let block = open else { throw .unexpected(event: event.name, reason: "index \(index) is not the open block") }
            switch (block, delta) {
            case (.text(let text), .text(let more)): open = .text(text + more)
            case (.thinking(let text, let signature), .thinking(let more)): open = .thinking(text + more, signature: signature)
            case (.thinking(let text, let signature), .signature(let more)): open = .thinking(text, signature: signature + more)
            case (.thinking, .thinkingEstimate): break
            case (.toolUse(let id, let name, let json), .inputJSON(let more)): open = .toolUse(id: id, name: name, json: json + more)
            case (.serverToolUse(let id, let name, let json), .inputJSON(let more)): open = .serverToolUse(id: id, name: name, json: json + more)
            case (.citedText(let text, let citations), .text(let more)): open = .citedText(text + more, citations: citations)
            case (.compaction(_, let toolChanges), .compaction(let summary)): open = .compaction(summary, toolChanges: toolChanges)
            case (.citedText(let text, let citations), .citation(let citation)):
                guard text.isEmpty else { throw .unexpected(event: event.name, reason: "a citation after the text of block \(index) began") }
                open = .citedText(text, citations: citations + [citation])
            default: throw .unexpected(event: event.name, reason: "delta \(delta) does not fit block \(index)")
            }
        case .contentBlockStop(let index):
            guard index == blocks.count, let block = open else { throw .unexpected(event: event.name, reason: "index \(index) is not the open block") }
            blocks.append(try Self.close(block))
            open = nil
        case .messageDelta(let stopReason, let stopSequence, let usage, let contextManagement, let stopDetails):
            guard open == nil else { throw .unexpected(event: event.name, reason: "while a block is open") }
            message?.stopReason = stopReason
            message?.stopSequence = stopSequence
            message?.usage = usage
            message?.contextManagement = contextManagement
            message?.stopDetails = stopDetails
        case .messageStop:
            guard open == nil, message?.stopReason != nil else { throw .unexpected(event: event.name, reason: "before message_delta") }
            message?.content = blocks
            stopped = true
        case .error(let error):
            throw .streamError(error)
        }
    }

    private static func close(_ block: OpenBlock) throws(GrammarError) -> ContentBlock {
        switch block {
        case .text(let text): return .text(text)
        case .thinking(let text, let signature): return .thinking(text, signature: signature)
        case .redactedThinking(let data): return .redactedThinking(data: data)
        case .toolUse(let id, let name, let json): return .toolUse(id: id, name: name, input: try input(json))
        case .serverToolUse(let id, let name, let json): return .serverToolUse(id: id, name: name, input: try input(json))
        case .citedText(let text, let citations): return .citedText(text, citations: citations)
        case .webSearchToolResult(let id, let content): return .webSearchToolResult(toolUseID: id, content: content)
        case .compaction(let summary, let toolChanges): return .compaction(summary, toolChanges: toolChanges)
        }
    }

    private static func input(_ json: String) throws(GrammarError) -> JSONValue {
        do {
            return json.isEmpty ? .object([:]) : try JSONParser.parse(json)
        } catch {
            throw .unexpected(event: "content_block_stop", reason: "tool input is not JSON: \(error)")
        }
    }
}
