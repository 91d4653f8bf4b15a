/// Translates a Responses API event stream into Anthropic stream events, one upstream event at a time.
///
/// Each output item becomes one block, in the order the items arrive: reasoning a thinking block
/// (summary deltas as `thinking_delta`, the encrypted reasoning as a `signature_delta` before the
/// block closes), a message a text block, a function call a tool_use block whose arguments
/// arrive as `input_json_delta` fragments. The first unfinished item streams live; events for a
/// later item are held until the items before it are done, so blocks never interleave. The
/// closing events wait for `response.completed` or `response.incomplete`; `response.failed` and
/// `error` end the stream with an error, and so does a stream that stops before either.
///
/// With the client's web search (see `OpenAIResponsesWebSearch`), a message's citations arrive
/// after the text they cite, so each of its parts is held until it is done, then written as the
/// whole translation cuts it: plain and cited text blocks. A web_search_call that is done becomes
/// its server_tool_use block at once; its result block (and so every block after it) waits for
/// the end of the reply, when the citations that title its pages are all known: the sources carry
/// no titles, and the whole translation takes them from the citations.
package struct OpenAIResponsesStreamTranslator: UpstreamStreamTranslator {
    private enum Phase {
        case notStarted, streaming, finished
    }

    private enum Kind {
        case reasoning, message, functionCall, webSearch
        /// A message whose parts are held until they are done, for their citations.
        case citedMessage
    }

    /// A part of a cited message: what its deltas and annotation events brought so far.
    private struct HeldPart {
        var text = ""
        var annotations: [JSONValue] = []
        var isDone = false
    }

    private struct Item {
        var kind: Kind
        var toolUseID = ""
        var name = ""
        /// The text, reasoning or arguments gathered so far; a search's query.
        var text = ""
        /// The part of `text` not yet written, while the item waits for the ones before it.
        var pending = ""
        /// The summary (or content) part the last reasoning delta belonged to.
        var part: Int?
        var encryptedContent: String?
        /// A cited message's parts, by content index.
        var heldParts: [Int: HeldPart] = [:]
        /// A cited message's finished parts, cut into spans, not yet written.
        var pendingSpans: [OpenAIResponsesWebSearch.Span] = []
        /// A search's finished call and which search of the reply it is (from 1); nil for a call
        /// that did not search.
        var search: (call: JSONValue, number: Int)?
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
    private var searches = 0
    /// The cited pages' titles, once the reply is complete; search results wait for them.
    private var titles: [String: String]?
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
            events += append(json["delta"]?.stringValue ?? "", to: itemIndex(json), part: json["content_index"]?.intValue ?? 0)
        case "response.refusal.delta"?:
            refused = true
            events += append(json["delta"]?.stringValue ?? "", to: itemIndex(json), part: json["content_index"]?.intValue ?? 0)
        case "response.output_text.annotation.added"?:
            if let index = itemIndex(json), items[index]?.kind == .citedMessage, let annotation = json["annotation"] {
                items[index]?.heldParts[json["content_index"]?.intValue ?? 0, default: HeldPart()].annotations.append(annotation)
            }
        case "response.content_part.done"?:
            if let index = itemIndex(json) {
                finishPart(json["content_index"]?.intValue ?? 0, json["part"], of: index)
                events += advance()
            }
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
        case "message"?: item = Item(kind: context.webSearch == nil ? .message : .citedMessage)
        case "function_call"?:
            item = Item(kind: .functionCall)
            item.toolUseID = context.toolUseID(callID: json["call_id"]?.stringValue, index: toolCalls)
            item.name = context.toolNames.originalName(for: json["name"]?.stringValue ?? "")
            toolCalls += 1
        case "web_search_call"?:
            guard let search = context.webSearch else { return [] }
            item = Item(kind: .webSearch)
            item.name = search.tool.name
        default:
            return []
        }
        items[index] = item
        order.append(index)
        if let id = json["id"]?.stringValue { outputIndexByItemID[id] = index }
        return advance()
    }

    /// More of an item's text; a cited message's goes to its part `part`, held.
    private mutating func append(_ text: String, to index: Int?, part: Int = 0) -> [AnthropicStreamEvent] {
        guard let index, var item = items[index], !item.isDone, !text.isEmpty else { return [] }
        if item.kind == .citedMessage {
            items[index]?.heldParts[part, default: HeldPart()].text += text
            return []
        }
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

    /// A cited message's part is done: `json`, the part as the API has it in the end, fills in
    /// what no event brought (its annotations are the whole list), and its text is cut into the
    /// spans to write.
    private mutating func finishPart(_ part: Int, _ json: JSONValue?, of index: Int) {
        guard let search = context.webSearch, var item = items[index], item.kind == .citedMessage else { return }
        var held = item.heldParts[part] ?? HeldPart()
        guard !held.isDone else { return }
        held.isDone = true
        if held.text.isEmpty, let json { held.text = OpenAIResponsesWebSearch.text(ofPart: json) }
        if let annotations = json?["annotations"]?.arrayValue { held.annotations = annotations }
        item.heldParts[part] = held
        let spans = search.spans(text: held.text, annotations: held.annotations)
        outputCharacters += spans.reduce(0) { $0 + $1.text.count }
        item.pendingSpans += spans
        items[index] = item
    }

    /// Finishes every part of a cited message still open, in order: from `content` (the done
    /// item's parts) where it has them, else as their events left them.
    private mutating func finishParts(of index: Int, content: [JSONValue]) {
        let heldParts = items[index]?.heldParts ?? [:]
        for part in Set(content.indices).union(heldParts.keys).sorted() {
            finishPart(part, part < content.count ? content[part] : nil, of: index)
        }
    }

    /// An item is done: what it says in full fills in what no delta brought (servers that send
    /// items whole), and the items waiting on it may go.
    private mutating func complete(_ json: JSONValue, at index: Int?) -> [AnthropicStreamEvent] {
        guard let index else { return [] }
        var events: [AnthropicStreamEvent] = []
        if items[index] == nil { events += add(json, at: index) }
        guard var item = items[index], !item.isDone else { return events }
        var whole = ""
        switch item.kind {
        case .reasoning:
            whole = OpenAIResponsesReplyContext.reasoningText(json)
            item.encryptedContent = json["encrypted_content"]?.stringValue
        case .message:
            let (text, refusal) = OpenAIResponsesReplyContext.messageText(json)
            whole = text
            refused = refused || refusal
        case .citedMessage:
            refused = refused || OpenAIResponsesReplyContext.messageText(json).refused
            finishParts(of: index, content: json["content"]?.arrayValue ?? [])
            item = items[index] ?? item
        case .functionCall:
            whole = json["arguments"]?.stringValue ?? ""
        case .webSearch:
            if let query = OpenAIResponsesWebSearch.query(of: json) {
                searches += 1
                item.search = (json, searches)
                item.toolUseID = MessageIdentifier.serverToolUseID(upstreamID: json["id"]?.stringValue, messageID: context.messageID, index: searches)
                item.text = query
            }
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

    /// Writes out what the live item holds, and moves on while it is all written.
    private mutating func advance() -> [AnthropicStreamEvent] {
        var events: [AnthropicStreamEvent] = []
        while live < order.count, var item = items[order[live]] {
            let isWritten = write(&item, into: &events)
            items[order[live]] = item
            guard isWritten else { break }
            live += 1
        }
        return events
    }

    /// Writes what the live item holds for the client; true once it is done and closed.
    private mutating func write(_ item: inout Item, into events: inout [AnthropicStreamEvent]) -> Bool {
        switch item.kind {
        case .reasoning, .message, .functionCall:
            if !item.isOpened, item.kind == .functionCall || !item.pending.isEmpty { events += open(&item) }
            if !item.pending.isEmpty {
                events.append(blocks.delta(delta(item.kind, item.pending)))
                item.pending = ""
            }
            guard item.isDone else { return false }
            events += close(&item)
        case .citedMessage:
            for span in item.pendingSpans {
                switch span {
                case .plain(let text):
                    // Plain text next to plain text goes on in the same block, as whole replies join it.
                    events += blocks.continue(.citedMessage, .text)
                    events.append(blocks.delta(.text(text)))
                case .cited(let text, let citations):
                    events += blocks.whole(ContentBlock.citedText(text, citations: citations))
                }
            }
            item.pendingSpans = []
            guard item.isDone else { return false }
            events += blocks.close()
        case .webSearch:
            guard item.isDone, let search = item.search, let webSearch = context.webSearch else { return item.isDone }
            if !item.isOpened {
                events += open(&item)
                events.append(blocks.delta(.inputJSON(JSONWriter.string(["query": .string(item.text)]))))
                events += blocks.close()
            }
            guard let titles else { return false }
            events += blocks.whole(
                .webSearchToolResult(toolUseID: item.toolUseID, content: webSearch.outcome(of: search.call, number: search.number, titles: titles)), [])
        }
        return true
    }

    private mutating func open(_ item: inout Item) -> [AnthropicStreamEvent] {
        item.isOpened = true
        switch item.kind {
        case .reasoning: return blocks.start(item.kind, .thinking)
        case .message, .citedMessage: return blocks.start(item.kind, .text)
        case .functionCall: return blocks.start(item.kind, .toolUse(id: item.toolUseID, name: item.name))
        case .webSearch: return blocks.start(item.kind, .serverToolUse(id: item.toolUseID, name: item.name))
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
        case .message, .citedMessage: .text(text)
        case .functionCall, .webSearch: .inputJSON(text)
        }
    }

    // MARK: - End

    /// The reply is complete: items the stream never finished are completed from the final
    /// `output`, the cited pages' titles are known, every block is written out, then
    /// `message_delta` and `message_stop`.
    private mutating func finishReply(_ response: JSONValue) -> StreamStep {
        var events: [AnthropicStreamEvent] = []
        for (index, item) in (response["output"]?.arrayValue ?? []).enumerated() where items[index]?.isDone != true {
            events += complete(item, at: index)
        }
        for index in order where items[index]?.isDone == false {
            finishParts(of: index, content: [])
            items[index]?.isDone = true
        }
        titles = OpenAIResponsesWebSearch.titles(
            in: order.sorted().flatMap { index in (items[index]?.heldParts ?? [:]).sorted { $0.key < $1.key }.flatMap(\.value.annotations) })
        events += advance()
        if blocks.isEmpty {
            // An empty reply still carries one block: clients stall on a message with no content.
            events += blocks.whole(.text, [])
        }
        let incompleteReason = response["incomplete_details"]?["reason"]?.stringValue
        let stopReason = context.stopReason(incompleteReason: incompleteReason, hasToolCalls: toolCalls > 0, refused: refused)
        var usage = OpenAIResponsesReplyContext.usage(response["usage"]) ?? context.estimatedUsage(outputCharacters: outputCharacters)
        usage.webSearchRequests = searches
        phase = .finished
        let details = OpenAIResponsesReplyContext.refusalDetails(stopReason, incompleteReason: incompleteReason)
        return .end(events + [.messageDelta(stopReason: stopReason, stopSequence: nil, usage: usage, stopDetails: details), .messageStop], .completed(usage))
    }
}
