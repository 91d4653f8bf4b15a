/// Translates a whole `GenerateContentResponse` into an Anthropic message, by the rules
/// `GeminiReplyContext` describes: thinking and text blocks in order (or, for a request with a web
/// search or fetch, the thinking, the server tool blocks, then the text), then one tool_use block
/// per function call.
package struct GeminiResponseTranslator: Sendable {
    private let context: GeminiReplyContext

    package init(context: GeminiReplyContext) {
        self.context = context
    }

    /// - Throws: Gemini's error when the response is one; the malformed-function-call error when
    ///   the reply is one (the caller retries once before translating).
    package func translate(_ response: JSONValue) throws(AnthropicError) -> AnthropicMessage {
        if response["error"]?.objectValue != nil { throw context.upstreamError(response) }
        let candidate = response["candidates"]?[0]
        let finishReason = candidate?["finishReason"]?.stringValue
        let finishMessage = candidate?["finishMessage"]?.stringValue
        if finishReason == GeminiReplyContext.malformedFunctionCall { throw context.malformedFunctionCallError(finishMessage: finishMessage) }
        let blockReason = response["promptFeedback"]?["blockReason"]?.stringValue
        guard candidate != nil || blockReason != nil else {
            throw AnthropicError(.api, "Gemini's reply has no candidates and says no reason.", status: 502)
        }

        var content: [ContentBlock] = []
        var calls: [GeminiReplyContext.FunctionCall] = []
        var looseSignature: String?
        var heldText = ""
        /// Counted as the stream translator counts, for the usage estimate when none is reported.
        var outputCharacters = 0
        for part in GeminiReplyContext.parts(of: response) {
            switch part {
            case .thought(let text, let signature):
                outputCharacters += text.count
                if case .thinking(let held, "")? = content.last, !text.isEmpty || signature != nil {
                    content[content.count - 1] = .thinking(held + text, signature: GeminiThoughtSignature.thinkingSignature(signature))
                } else if !text.isEmpty {
                    content.append(.thinking(text, signature: GeminiThoughtSignature.thinkingSignature(signature)))
                } else if let signature {
                    looseSignature = looseSignature ?? signature
                }
            case .text(let text, let signature):
                outputCharacters += text.count
                if text.isEmpty {
                    if let signature { looseSignature = looseSignature ?? signature }
                } else if context.holdsText {
                    heldText += text
                } else if case .text(let held)? = content.last {
                    content[content.count - 1] = .text(held + text)
                } else {
                    content.append(.text(text))
                }
            case .functionCall(let call):
                outputCharacters += JSONWriter.encode(call.arguments).count
                calls.append(call)
            case .other(let signature):
                if let signature { looseSignature = looseSignature ?? signature }
            }
        }
        var webSearchRequests = 0
        if context.holdsText {
            let serverTools = context.serverToolBlocks(
                text: heldText, groundingMetadata: candidate?["groundingMetadata"], urlContextMetadata: candidate?["urlContextMetadata"])
            content += serverTools.blocks
            webSearchRequests = serverTools.webSearchRequests
        }
        if let looseSignature, calls.first?.signature == nil, !calls.isEmpty { calls[0].signature = looseSignature }
        content += calls.enumerated().map { index, call in context.toolUse(call, index: index) }
        if content.isEmpty {
            content.append(.text(GeminiReplyContext.notice(finishReason: finishReason, finishMessage: finishMessage, blockReason: blockReason) ?? ""))
        }
        var usage = context.usage(response["usageMetadata"]) ?? context.estimatedUsage(outputCharacters: outputCharacters)
        usage.webSearchRequests = webSearchRequests
        let stopReason = GeminiReplyContext.stopReason(finishReason: finishReason, blockReason: blockReason, hasToolCalls: !calls.isEmpty)
        var message = AnthropicMessage(id: context.messageID, model: context.requestedModel, content: content, stopReason: stopReason, usage: usage)
        message.stopDetails = GeminiReplyContext.refusalDetails(stopReason, finishReason: finishReason, finishMessage: finishMessage, blockReason: blockReason)
        return message
    }
}
