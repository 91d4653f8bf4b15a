/// Translates a Chat Completions stream into Anthropic stream events, one upstream event at a time.
///
/// Reasoning becomes a thinking block, content a text block, each tool call one tool_use block whose
/// input arrives as `input_json_delta` fragments. Anthropic blocks cannot interleave but OpenAI-style
/// tool-call deltas can (keyed by `index`), so only the first call streams live; later calls are
/// held until the reply ends, as is text that arrives after a call began. A search model's answer
/// is held too: its citations arrive in an `annotations` delta after the text, and the blocks it
/// becomes (see `OpenAIChatSearchAnswer`) are emitted whole at the end. The closing events wait
/// for `[DONE]` (or the end of the stream) because usage arrives after `finish_reason`.
package struct OpenAIChatStreamTranslator: UpstreamStreamTranslator {
    private enum Phase {
        case notStarted, streaming, finished
    }

    private enum OpenBlock {
        case text, thinking, tool
    }

    private struct ToolCall {
        var id: String
        var name: String?
        var arguments = ""
        /// Its block has been opened (and it is, or was, the live call).
        var isOpened = false
    }

    private let context: OpenAIChatReplyContext
    private var phase = Phase.notStarted
    private var blocks = ContentBlockCursor<OpenBlock>()
    private var toolOrder: [Int] = []
    private var toolCalls: [Int: ToolCall] = [:]
    /// Text and thinking that arrived after the first tool call, emitted after the calls (and
    /// refusals that follow a search model's answer).
    private var heldBlocks: [ContentBlock] = []
    /// A search model's answer so far, and the annotations that came with it.
    private var searchText = ""
    private var searchAnnotations: [JSONValue] = []
    private var finishReason: String?
    private var finishingChoice: JSONValue?
    private var refused = false
    private var usage: Usage?
    private var outputCharacters = 0
    /// Chunks that carried output: a token each from llama.cpp's and vLLM's servers, the count
    /// when a server reports no usage in its stream.
    private var outputChunks = 0

    package init(context: OpenAIChatReplyContext) {
        self.context = context
    }

    package mutating func start() -> [AnthropicStreamEvent] {
        guard phase == .notStarted else { return [] }
        phase = .streaming
        return AnthropicStreamEvent.opening(
            messageID: context.messageID, model: context.requestedModel, estimatedInputTokens: context.estimatedInputTokens)
    }

    package mutating func consume(_ event: SSEEvent) -> StreamStep {
        var events = start()
        guard phase == .streaming else { return .emit(events) }
        if event.data == "[DONE]" { return complete().prepending(events) }
        let chunk: JSONValue
        do {
            chunk = try JSONParser.parse(event.data)
        } catch {
            return fail(AnthropicError(.api, "The upstream sent a stream event that is not JSON (\(error)); the reply is incomplete.", status: 502)).prepending(events)
        }
        if let error = chunk["error"], error.objectValue != nil {
            let message = error["message"]?.stringValue ?? "unknown error"
            if let overflow = ContextOverflow.figures(message: message, body: chunk) {
                return fail(ContextOverflow.error(overflow, estimatedTokens: context.estimatedInputTokens, contextWindow: context.contextWindow)).prepending(events)
            }
            return fail(AnthropicError(.api, "The upstream failed mid-stream: \(message)", status: 502)).prepending(events)
        }
        if let reported = OpenAIChatReplyContext.usage(chunk["usage"]) { usage = reported }
        guard let choice = chunk["choices"]?.arrayValue?.first else { return .emit(events) }
        if let delta = choice["delta"] {
            let charactersBefore = outputCharacters
            defer { if outputCharacters > charactersBefore { outputChunks += 1 } }
            if let reasoning = context.reasoning(delta), !reasoning.isEmpty {
                events += appendText(reasoning, as: .thinking)
            }
            if let text = delta["content"]?.stringValue, !text.isEmpty {
                if context.searchAnswer != nil {
                    searchText += text
                    outputCharacters += text.count
                } else {
                    events += appendText(text, as: .text)
                }
            }
            if context.searchAnswer != nil {
                for annotation in delta["annotations"]?.arrayValue ?? [] where !searchAnnotations.contains(annotation) {
                    searchAnnotations.append(annotation)
                }
            }
            if let refusal = delta["refusal"]?.stringValue, !refusal.isEmpty {
                refused = true
                events += appendText(refusal, as: .text)
            }
            for (position, call) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
                events += appendToolCallDelta(call, position: position)
            }
        }
        if let reason = choice["finish_reason"]?.stringValue {
            finishReason = reason
            finishingChoice = choice
        }
        return .emit(events)
    }

    /// The upstream's stream ended. Complete when it said how it finished; otherwise the reply was
    /// cut off, and the client gets an error rather than half an answer that looks whole.
    package mutating func finish() -> StreamStep {
        guard phase != .finished else { return .emit([]) }
        let events = start()
        if finishReason != nil { return complete().prepending(events) }
        return fail(AnthropicError(.api, "The upstream's stream ended before the reply was complete; the answer is cut off.", status: 502)).prepending(events)
    }

    package mutating func fail(_ error: AnthropicError) -> StreamStep {
        guard phase != .finished else { return .emit([]) }
        phase = .finished
        return .end([.error(error)], .failed(error, usage: nil))
    }

    // MARK: - Blocks

    private mutating func appendText(_ text: String, as kind: OpenBlock) -> [AnthropicStreamEvent] {
        outputCharacters += text.count
        // A refusal after a search model's answer waits for the answer's blocks, as it follows them.
        if !toolOrder.isEmpty || (kind == .text && context.searchAnswer != nil) {
            hold(text, as: kind)
            return []
        }
        return blocks.continue(kind, kind == .thinking ? .thinking : .text) + [blocks.delta(kind == .thinking ? .thinking(text) : .text(text))]
    }

    private mutating func hold(_ text: String, as kind: OpenBlock) {
        switch (heldBlocks.last, kind) {
        case (.text(let held)?, .text): heldBlocks[heldBlocks.count - 1] = .text(held + text)
        case (.thinking(let held, _)?, .thinking): heldBlocks[heldBlocks.count - 1] = .thinking(held + text, signature: "")
        case (_, .thinking): heldBlocks.append(.thinking(text, signature: ""))
        default: heldBlocks.append(.text(text))
        }
    }

    private mutating func appendToolCallDelta(_ delta: JSONValue, position: Int) -> [AnthropicStreamEvent] {
        let upstreamIndex = toolCallIndex(of: delta, position: position)
        let function = delta["function"]
        let fragment = function?["arguments"]?.stringValue ?? ""
        outputCharacters += fragment.count
        var events: [AnthropicStreamEvent] = []
        if toolCalls[upstreamIndex] == nil {
            toolOrder.append(upstreamIndex)
            let id = context.toolUseID(upstreamID: delta["id"]?.stringValue, index: toolOrder.count - 1)
            toolCalls[upstreamIndex] = ToolCall(id: id)
        }
        if let name = function?["name"]?.stringValue, !name.isEmpty, toolCalls[upstreamIndex]?.name == nil {
            toolCalls[upstreamIndex]?.name = name
        }
        toolCalls[upstreamIndex]?.arguments += fragment
        guard let call = toolCalls[upstreamIndex] else { return events }
        if call.isOpened {
            if !fragment.isEmpty { events.append(blocks.delta(.inputJSON(fragment))) }
        } else if upstreamIndex == toolOrder.first, let name = call.name {
            // The first call streams live once its name is known, with what it has gathered so far.
            events += blocks.start(.tool, .toolUse(id: call.id, name: context.toolNames.originalName(for: name)))
            if !call.arguments.isEmpty { events.append(blocks.delta(.inputJSON(call.arguments))) }
            toolCalls[upstreamIndex]?.isOpened = true
        }
        return events
    }

    /// The call a delta belongs to: its `index`; or, from servers that leave `index` out (Gemini's
    /// OpenAI-compatible endpoint), a new call when it brings an id not seen before, else the
    /// latest call.
    private func toolCallIndex(of delta: JSONValue, position: Int) -> Int {
        if let index = delta["index"]?.intValue { return index }
        if let id = delta["id"]?.stringValue, !id.isEmpty, !toolCalls.values.contains(where: { $0.id == id }) {
            return (toolOrder.max() ?? -1) + 1
        }
        return toolOrder.last ?? position
    }

    /// Closes the live block, emits held calls and text, then the final `message_delta`.
    private mutating func complete() -> StreamStep {
        var events = blocks.close()
        for upstreamIndex in toolOrder {
            guard let call = toolCalls[upstreamIndex], !call.isOpened else { continue }
            let start = AnthropicStreamEvent.BlockStart.toolUse(id: call.id, name: context.toolNames.originalName(for: call.name ?? ""))
            events += blocks.whole(start, call.arguments.isEmpty ? [] : [.inputJSON(call.arguments)])
        }
        for block in (context.searchBlocks(text: searchText, annotations: searchAnnotations) ?? []) + heldBlocks {
            events += blocks.whole(block)
        }
        if blocks.isEmpty {
            // An empty reply still carries one block: clients stall on a message with no content.
            events += blocks.whole(.text, [])
        }
        var (stopReason, stopSequence) = context.stopReason(finishReason: finishReason, hasToolCalls: !toolOrder.isEmpty, choice: finishingChoice)
        if refused { stopReason = .refusal }
        let finalUsage = context.replyUsage(reported: usage, outputCharacters: outputCharacters, outputChunks: outputChunks)
        phase = .finished
        let details = OpenAIChatReplyContext.refusalDetails(stopReason, modelRefused: refused)
        events += [.messageDelta(stopReason: stopReason, stopSequence: stopSequence, usage: finalUsage, stopDetails: details), .messageStop]
        return .end(events, .completed(finalUsage))
    }
}
