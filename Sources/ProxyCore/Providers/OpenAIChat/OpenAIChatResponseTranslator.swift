/// Translates a whole Chat Completions response into an Anthropic message:
/// reasoning → a thinking block first, then text (a search model's answer: its search, results
/// and cited spans), then one tool_use block per call.
package struct OpenAIChatResponseTranslator: Sendable {
    private let context: OpenAIChatReplyContext

    package init(context: OpenAIChatReplyContext) {
        self.context = context
    }

    package func translate(_ response: JSONValue) throws(AnthropicError) -> AnthropicMessage {
        guard let choice = response["choices"]?.arrayValue?.first, let message = choice["message"] else {
            throw AnthropicError(.api, "The upstream's reply has no choices[0].message.", status: 502)
        }
        var content: [ContentBlock] = []
        /// Counted as the stream translator counts, for the usage estimate when none is reported.
        var outputCharacters = 0
        if let reasoning = context.reasoning(message), !reasoning.isEmpty {
            content.append(.thinking(reasoning, signature: ""))
            outputCharacters += reasoning.count
        }
        let text = message["content"]?.stringValue ?? ""
        outputCharacters += text.count
        if let searchBlocks = context.searchBlocks(text: text, annotations: message["annotations"]?.arrayValue ?? []) {
            content += searchBlocks
        } else if !text.isEmpty {
            content.append(.text(text))
        }
        if let refusal = message["refusal"]?.stringValue, !refusal.isEmpty {
            content.append(.text(refusal))
            outputCharacters += refusal.count
        }
        let toolCalls = message["tool_calls"]?.arrayValue ?? []
        for (index, call) in toolCalls.enumerated() {
            let function = call["function"]
            let arguments = function?["arguments"]?.stringValue ?? ""
            outputCharacters += arguments.count
            content.append(
                .toolUse(
                    id: context.toolUseID(upstreamID: call["id"]?.stringValue, index: index),
                    name: context.toolNames.originalName(for: function?["name"]?.stringValue ?? ""),
                    input: OpenAIChatReplyContext.toolInput(arguments: arguments)
                ))
        }
        if content.isEmpty { content.append(.text("")) }
        var (stopReason, stopSequence) = context.stopReason(
            finishReason: choice["finish_reason"]?.stringValue, hasToolCalls: !toolCalls.isEmpty, choice: choice)
        let modelRefused = message["refusal"]?.stringValue?.isEmpty == false
        if modelRefused { stopReason = .refusal }
        let usage = context.replyUsage(reported: OpenAIChatReplyContext.usage(response["usage"]), outputCharacters: outputCharacters)
        var reply = AnthropicMessage(
            id: context.messageID, model: context.requestedModel, content: content, stopReason: stopReason, stopSequence: stopSequence, usage: usage)
        reply.stopDetails = OpenAIChatReplyContext.refusalDetails(stopReason, modelRefused: modelRefused)
        return reply
    }
}
