/// Translates a `streamGenerateContent?alt=sse` stream into Anthropic stream events, one upstream
/// event at a time.
///
/// Each Gemini event is a whole response object holding only the new parts. Thought and text parts
/// stream live as thinking and text deltas. Function calls arrive whole; they are held until the
/// stream ends and then become tool_use blocks, each input in one `input_json_delta`: a call's
/// signature may come in a later event, and the client cannot act on a call before the reply ends
/// anyway. The closing events wait for the end of the stream, as usage and signatures may follow
/// the `finishReason`.
///
/// For a request with a web search or fetch, the text is held instead (the reply's text only, so
/// bounded) until the stream ends, with the last grounding and URL context metadata: Anthropic
/// puts the searches before the text and a cited span's citations before its words, and Gemini
/// may send the metadata before its last chunk and again after. Then come the same blocks the
/// whole translation makes, each whole: a server_tool_use's query in one `input_json_delta`, a
/// search's results in its block's start, a cited span's citations as deltas before its text.
/// Thinking still streams live, ahead of them.
///
/// A `MALFORMED_FUNCTION_CALL` finish asks for one more upstream stream: the end of the stream
/// answers `.emitAndResend`, and the reply goes on from the next one, in the same message. A
/// second one is an error event.
package struct GeminiStreamTranslator: UpstreamStreamTranslator {
    private enum Phase {
        case notStarted
        /// Reading an upstream stream; its end completes the reply, or fails it when cut off.
        case streaming
        /// The stream reported a malformed function call: the rest of it is ignored, and its end
        /// asks for the request again (moving back to `streaming`, for the next stream).
        case malformedFunctionCall
        case finished
    }

    private enum OpenBlock {
        case text, thinking
    }

    private let context: GeminiReplyContext
    private var phase = Phase.notStarted
    private var blocks = ContentBlockCursor<OpenBlock>()
    private var calls: [GeminiReplyContext.FunctionCall] = []
    /// A signature that came on a part with nothing else in it.
    private var looseSignature: String?
    /// The reply's text, when the context holds it (see `GeminiReplyContext.holdsText`).
    private var heldText = ""
    private var groundingMetadata: JSONValue?
    private var urlContextMetadata: JSONValue?
    private var finishReason: String?
    private var finishMessage: String?
    private var blockReason: String?
    private var usage: Usage?
    private var outputCharacters = 0
    private var retriesLeft = 1

    package init(context: GeminiReplyContext) {
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
        let chunk: JSONValue
        do {
            chunk = try JSONParser.parse(event.data)
        } catch {
            return fail(AnthropicError(.api, "Gemini sent a stream event that is not JSON (\(error)); the reply is incomplete.", status: 502)).prepending(events)
        }
        if chunk["error"]?.objectValue != nil { return fail(context.upstreamError(chunk)).prepending(events) }
        if let reported = context.usage(chunk["usageMetadata"]) { usage = reported }
        if let reason = chunk["promptFeedback"]?["blockReason"]?.stringValue { blockReason = reason }
        for part in GeminiReplyContext.parts(of: chunk) { events += append(part) }
        // Each report of the metadata is whole: the last one stands.
        if let metadata = chunk["candidates"]?[0]?["groundingMetadata"], metadata.objectValue != nil { groundingMetadata = metadata }
        if let metadata = chunk["candidates"]?[0]?["urlContextMetadata"], metadata.objectValue != nil { urlContextMetadata = metadata }
        guard let candidate = chunk["candidates"]?[0], let reason = candidate["finishReason"]?.stringValue else { return .emit(events) }
        finishReason = reason
        finishMessage = candidate["finishMessage"]?.stringValue
        if reason == GeminiReplyContext.malformedFunctionCall {
            guard retriesLeft > 0 else { return fail(context.malformedFunctionCallError(finishMessage: finishMessage)).prepending(events) }
            retriesLeft -= 1
            events += blocks.close()
            phase = .malformedFunctionCall
        }
        return .emit(events)
    }

    /// The upstream's stream ended. Complete when it said how it finished; otherwise the reply was
    /// cut off, and the client gets an error rather than half an answer that looks whole.
    package mutating func finish() -> StreamStep {
        guard phase != .finished else { return .emit([]) }
        let events = start()
        if phase == .malformedFunctionCall {
            continueWithAnotherStream()
            return .emitAndResend(events)
        }
        if finishReason != nil || blockReason != nil { return complete().prepending(events) }
        return fail(AnthropicError(.api, "Gemini's stream ended before the reply was complete; the answer is cut off.", status: 502)).prepending(events)
    }

    package mutating func fail(_ error: AnthropicError) -> StreamStep {
        guard phase != .finished else { return .emit([]) }
        phase = .finished
        return .end([.error(error)], .failed(error, usage: nil))
    }

    /// Forgets what the abandoned stream said about its end; the blocks it wrote stay written. Its
    /// held text was never sent, and goes with it, as its whole translation would.
    private mutating func continueWithAnotherStream() {
        phase = .streaming
        calls = []
        looseSignature = nil
        heldText = ""
        groundingMetadata = nil
        urlContextMetadata = nil
        finishReason = nil
        finishMessage = nil
        blockReason = nil
        usage = nil
    }

    // MARK: - Blocks

    private mutating func append(_ part: GeminiReplyContext.Part) -> [AnthropicStreamEvent] {
        var events: [AnthropicStreamEvent] = []
        switch part {
        case .thought(let text, let signature):
            outputCharacters += text.count
            guard !text.isEmpty || (signature != nil && blocks.openKind == .thinking) else {
                if let signature { looseSignature = looseSignature ?? signature }
                return []
            }
            events += blocks.continue(.thinking, .thinking)
            if !text.isEmpty { events.append(blocks.delta(.thinking(text))) }
            if let signature {
                // The signature seals the block: later thought text opens another.
                events.append(blocks.delta(.signature(GeminiThoughtSignature.thinkingSignature(signature))))
                events += blocks.close()
            }
        case .text(let text, let signature):
            outputCharacters += text.count
            guard !text.isEmpty else {
                if let signature { looseSignature = looseSignature ?? signature }
                return []
            }
            if context.holdsText {
                heldText += text
                return []
            }
            events += blocks.continue(.text, .text)
            events.append(blocks.delta(.text(text)))
        case .functionCall(let call):
            outputCharacters += JSONWriter.encode(call.arguments).count
            calls.append(call)
        case .other(let signature):
            if let signature { looseSignature = looseSignature ?? signature }
        }
        return events
    }

    /// Closes the live block, emits the held text behind its server tool blocks, the function
    /// calls, then the final `message_delta`.
    private mutating func complete() -> StreamStep {
        var events = blocks.close()
        var webSearchRequests = 0
        if context.holdsText {
            let serverTools = context.serverToolBlocks(text: heldText, groundingMetadata: groundingMetadata, urlContextMetadata: urlContextMetadata)
            for block in serverTools.blocks { events += blocks.whole(block) }
            webSearchRequests = serverTools.webSearchRequests
        }
        if let looseSignature, !calls.isEmpty, calls[0].signature == nil { calls[0].signature = looseSignature }
        for (index, call) in calls.enumerated() { events += blocks.whole(context.toolUse(call, index: index)) }
        if blocks.isEmpty {
            // An empty reply still carries one block: clients stall on a message with no content.
            let notice = GeminiReplyContext.notice(finishReason: finishReason, finishMessage: finishMessage, blockReason: blockReason)
            events += blocks.whole(.text, notice.map { [.text($0)] } ?? [])
        }
        let stopReason = GeminiReplyContext.stopReason(finishReason: finishReason, blockReason: blockReason, hasToolCalls: !calls.isEmpty)
        var finalUsage = usage ?? context.estimatedUsage(outputCharacters: outputCharacters)
        finalUsage.webSearchRequests = webSearchRequests
        phase = .finished
        let details = GeminiReplyContext.refusalDetails(stopReason, finishReason: finishReason, finishMessage: finishMessage, blockReason: blockReason)
        let delta = AnthropicStreamEvent.messageDelta(stopReason: stopReason, stopSequence: nil, usage: finalUsage, stopDetails: details)
        return .end(events + [delta, .messageStop], .completed(finalUsage))
    }
}
