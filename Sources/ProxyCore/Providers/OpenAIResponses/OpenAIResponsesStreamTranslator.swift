/// Translates a Responses API event stream into Anthropic stream events, one upstream event at a time.
///
/// Each output item becomes one block, in the order the items arrive: reasoning a thinking block
/// (summary deltas as `thinking_delta`, the encrypted reasoning as a `signature_delta` before the
/// block closes), a message a text block, a function call a tool_use block whose arguments
/// arrive as `input_json_delta` fragments. The first unfinished item streams live; events for a
/// later item are held until the items before it are done, so blocks never interleave. The
/// closing events wait for `response.completed` or `response.incomplete`; `response.failed` and
/// `error` end the stream with an error, and so does a stream that stops before either.
package struct OpenAIResponsesStreamTranslator: UpstreamStreamTranslator {
    private enum Phase {
        case notStarted, streaming, finished
    }

    private enum Kind {
        case reasoning, message, functionCall
    }

    private struct Item {
        var kind: Kind
        var toolUseID = ""
        var name = ""
        /// The text, reasoning or arguments gathered so far.
        var text = ""
        /// The part of `text` not yet written, while the item waits for the ones before it.
        var pending = ""
        /// The summary (or content) part the last reasoning delta belonged to.
        var part: Int?
        var encryptedContent: String?
        var isDone = false
        var isOpened = false
    }

    private let context: OpenAIResponsesReplyContext
    private var phase = Phase.notStarted
    private var items: [Int: Item] = [:]
    /// Output indexes in the order their items arrived.
    private var order: [Int] = []
    private var outputIndexByItemID: [String: Int] = [:]
    /// The position in `order` of the live item; those before it are written and closed.
    private var live = 0
    private var blocks = ContentBlockCursor<Kind>()
    private var toolCalls = 0
    private var refused = false
    private var outputCharacters = 0

    package init(context: OpenAIResponsesReplyContext) {
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
        guard phase == .streaming, event.data != "[DONE]" else { return .emit(events) }
        let json: JSONValue
        do {
            json = try JSONParser.parse(event.data)
        } catch {
            return fail(AnthropicError(.api, "The upstream sent a stream event that is not JSON (\(error)); the reply is incomplete.", status: 502)).prepending(events)
        }
        switch json["type"]?.stringValue ?? event.event {
        case "response.output_item.added"?:
            if let item = json["item"] { events += add(item, at: json["output_index"]?.intValue ?? (order.max() ?? -1) + 1) }
        case "response.output_text.delta"?:
            events += append(json["delta"]?.stringValue ?? "", to: itemIndex(json))
        case "response.refusal.delta"?:
            refused = true
            events += append(json["delta"]?.stringValue ?? "", to: itemIndex(json))
        case "response.reasoning_summary_text.delta"?:
            events += appendReasoning(json["delta"]?.stringValue ?? "", part: json["summary_index"]?.intValue ?? 0, separated: true, to: itemIndex(json))
        case "response.reasoning_text.delta"?:
            events += appendReasoning(json["delta"]?.stringValue ?? "", part: json["content_index"]?.intValue ?? 0, separated: false, to: itemIndex(json))
        case "response.function_call_arguments.delta"?:
            events += append(json["delta"]?.stringValue ?? "", to: itemIndex(json))
        case "response.output_item.done"?:
            if let item = json["item"] {
                events += complete(item, at: json["output_index"]?.intValue ?? item["id"]?.stringValue.flatMap { outputIndexByItemID[$0] })
            }
        case "response.completed"?, "response.incomplete"?:
            return finishReply(json["response"] ?? [:]).prepending(events)
        case "response.failed"?:
            return fail(context.failure(json["response"]?["error"])).prepending(events)
        case "error"?:
            return fail(context.failure(json["error"] ?? json)).prepending(events)
        default:
            break
        }
        return .emit(events)
    }

    /// The upstream's stream ended; complete only when it said so (`response.completed`).
    package mutating func finish() -> StreamStep {
        guard phase != .finished else { return .emit([]) }
        let opening = start()
        return fail(AnthropicError(.api, "The upstream's stream ended before the reply was complete; the answer is cut off.", status: 502)).prepending(opening)
    }

    package mutating func fail(_ error: AnthropicError) -> StreamStep {
        guard phase != .finished else { return .emit([]) }
        phase = .finished
        return .end([.error(error)], .failed(error, usage: nil))
    }

    // MARK: - Items

    /// The item an event belongs to: its `output_index`, else its `item_id`.
    private func itemIndex(_ json: JSONValue) -> Int? {
        json["output_index"]?.intValue ?? json["item_id"]?.stringValue.flatMap { outputIndexByItemID[$0] }
    }

    private mutating func add(_ json: JSONValue, at index: Int) -> [AnthropicStreamEvent] {
        guard items[index] == nil else { return [] }
        var item: Item
        switch json["type"]?.stringValue {
        case "reasoning"?: item = Item(kind: .reasoning)
        case "message"?: item = Item(kind: .message)
        case "function_call"?:
            item = Item(kind: .functionCall)
            item.toolUseID = context.toolUseID(callID: json["call_id"]?.stringValue, index: toolCalls)
            item.name = context.toolNames.originalName(for: json["name"]?.stringValue ?? "")
            toolCalls += 1
        default:
            return []
        }
        items[index] = item
        order.append(index)
        if let id = json["id"]?.stringValue { outputIndexByItemID[id] = index }
        return advance()
    }

    private mutating func append(_ text: String, to index: Int?) -> [AnthropicStreamEvent] {
        guard let index, var item = items[index], !item.isDone, !text.isEmpty else { return [] }
        outputCharacters += text.count
        item.text += text
        defer { items[index] = item }
        guard isLive(index) else {
            item.pending += text
            return []
        }
        var events = item.isOpened ? [] : open(&item)
        events.append(blocks.delta(delta(item.kind, text)))
        return events
    }

    /// Summary parts of one reasoning item join into one thinking block, a blank line apart.
    private mutating func appendReasoning(_ text: String, part: Int, separated: Bool, to index: Int?) -> [AnthropicStreamEvent] {
        guard let index, var item = items[index], item.kind == .reasoning else { return [] }
        var text = text
        if separated, let previous = item.part, previous != part, !item.text.isEmpty, !text.isEmpty {
            text = OpenAIResponsesReplyContext.summarySeparator + text
        }
        if !text.isEmpty { item.part = part }
        items[index] = item
        return append(text, to: index)
    }

    /// An item is done: what it says in full fills in what no delta brought (servers that send
    /// items whole), and the items waiting on it may go.
    private mutating func complete(_ json: JSONValue, at index: Int?) -> [AnthropicStreamEvent] {
        guard let index else { return [] }
        var events: [AnthropicStreamEvent] = []
        if items[index] == nil { events += add(json, at: index) }
        guard var item = items[index], !item.isDone else { return events }
        let whole: String
        switch item.kind {
        case .reasoning:
            whole = OpenAIResponsesReplyContext.reasoningText(json)
            item.encryptedContent = json["encrypted_content"]?.stringValue
        case .message:
            let (text, refusal) = OpenAIResponsesReplyContext.messageText(json)
            whole = text
            refused = refused || refusal
        case .functionCall:
            whole = json["arguments"]?.stringValue ?? ""
        }
        if item.text.isEmpty, !whole.isEmpty {
            item.text = whole
            item.pending = whole
            outputCharacters += whole.count
        }
        item.isDone = true
        items[index] = item
        return events + advance()
    }

    private func isLive(_ index: Int) -> Bool {
        live < order.count && order[live] == index
    }

    /// Writes out the live item's held text, and closes it and moves on while it is done.
    private mutating func advance() -> [AnthropicStreamEvent] {
        var events: [AnthropicStreamEvent] = []
        while live < order.count, var item = items[order[live]] {
            if !item.isOpened, item.kind == .functionCall || !item.pending.isEmpty { events += open(&item) }
            if !item.pending.isEmpty {
                events.append(blocks.delta(delta(item.kind, item.pending)))
                item.pending = ""
            }
            items[order[live]] = item
            guard item.isDone else { break }
            events += close(&item)
            items[order[live]] = item
            live += 1
        }
        return events
    }

    private mutating func open(_ item: inout Item) -> [AnthropicStreamEvent] {
        item.isOpened = true
        switch item.kind {
        case .reasoning: return blocks.start(item.kind, .thinking)
        case .message: return blocks.start(item.kind, .text)
        case .functionCall: return blocks.start(item.kind, .toolUse(id: item.toolUseID, name: item.name))
        }
    }

    /// Closes a finished item's block; reasoning with nothing but its encrypted content still
    /// gets one, to carry the signature.
    private mutating func close(_ item: inout Item) -> [AnthropicStreamEvent] {
        var events: [AnthropicStreamEvent] = []
        let signature = item.kind == .reasoning ? context.thinkingSignature(encryptedContent: item.encryptedContent) : ""
        if !item.isOpened, !signature.isEmpty { events += open(&item) }
        guard item.isOpened else { return events }
        if !signature.isEmpty { events.append(blocks.delta(.signature(signature))) }
        return events + blocks.close()
    }

    private func delta(_ kind: Kind, _ text: String) -> AnthropicStreamEvent.Delta {
        switch kind {
        case .reasoning: .thinking(text)
        case .message: .text(text)
        case .functionCall: .inputJSON(text)
        }
    }

    // MARK: - End

    /// The reply is complete: items the stream never finished are completed from the final
    /// `output`, every block is written out, then `message_delta` and `message_stop`.
    private mutating func finishReply(_ response: JSONValue) -> StreamStep {
        var events: [AnthropicStreamEvent] = []
        for (index, item) in (response["output"]?.arrayValue ?? []).enumerated() where items[index]?.isDone != true {
            events += complete(item, at: index)
        }
        for index in order where items[index]?.isDone == false {
            items[index]?.isDone = true
        }
        events += advance()
        if blocks.isEmpty {
            // An empty reply still carries one block: clients stall on a message with no content.
            events += blocks.whole(.text, [])
        }
        let stopReason = context.stopReason(
            incompleteReason: response["incomplete_details"]?["reason"]?.stringValue, hasToolCalls: toolCalls > 0, refused: refused)
        let usage = OpenAIResponsesReplyContext.usage(response["usage"]) ?? context.estimatedUsage(outputCharacters: outputCharacters)
        phase = .finished
        return .end(events + [.messageDelta(stopReason: stopReason, stopSequence: nil, usage: usage), .messageStop], .completed(usage))
    }
}
