/// Translates a whole Responses API response into an Anthropic message, block by block in the
/// order of the output items: reasoning → a thinking block (summary as text, encrypted reasoning
/// in the signature), message → a text block, function_call → a tool_use block. With the client's
/// web search, a web_search_call → server_tool_use and web_search_tool_result blocks, and a
/// message → plain and cited text blocks (see `OpenAIResponsesWebSearch`). Other items are skipped.
package struct OpenAIResponsesResponseTranslator: Sendable {
    private let context: OpenAIResponsesReplyContext

    package init(context: OpenAIResponsesReplyContext) {
        self.context = context
    }

    package func translate(_ response: JSONValue) throws(AnthropicError) -> AnthropicMessage {
        guard let output = response["output"]?.arrayValue else {
            throw AnthropicError(.api, "The OpenAI Responses upstream's reply has no output.", status: 502)
        }
        if response["status"] == "failed" || response["error"]?.objectValue != nil {
            throw context.failure(response["error"])
        }
        var content: [ContentBlock] = []
        /// Counted as the stream translator counts, for the usage estimate when none is reported.
        var outputCharacters = 0
        var refused = false
        var toolCalls = 0
        var searches = 0
        let titles = OpenAIResponsesWebSearch.titles(in: output.flatMap(OpenAIResponsesWebSearch.annotations(ofMessage:)))
        for item in output {
            switch item["type"]?.stringValue {
            case "reasoning"?:
                let text = OpenAIResponsesReplyContext.reasoningText(item)
                let signature = context.thinkingSignature(encryptedContent: item["encrypted_content"]?.stringValue)
                guard !text.isEmpty || !signature.isEmpty else { continue }
                outputCharacters += text.count
                content.append(.thinking(text, signature: signature))
            case "message"?:
                let (text, refusal) = OpenAIResponsesReplyContext.messageText(item)
                refused = refused || refusal
                if let search = context.webSearch {
                    let spans = (item["content"]?.arrayValue ?? []).flatMap(search.spans(ofPart:))
                    outputCharacters += spans.reduce(0) { $0 + $1.text.count }
                    content += OpenAIResponsesWebSearch.blocks(spans)
                    continue
                }
                guard !text.isEmpty else { continue }
                outputCharacters += text.count
                content.append(.text(text))
            case "web_search_call"?:
                guard let search = context.webSearch, let query = OpenAIResponsesWebSearch.query(of: item) else { continue }
                searches += 1
                let id = MessageIdentifier.serverToolUseID(upstreamID: item["id"]?.stringValue, messageID: context.messageID, index: searches)
                content.append(.serverToolUse(id: id, name: search.tool.name, input: ["query": .string(query)]))
                content.append(.webSearchToolResult(toolUseID: id, content: search.outcome(of: item, number: searches, titles: titles)))
            case "function_call"?:
                let arguments = item["arguments"]?.stringValue ?? ""
                outputCharacters += arguments.count
                content.append(
                    .toolUse(
                        id: context.toolUseID(callID: item["call_id"]?.stringValue, index: toolCalls),
                        name: context.toolNames.originalName(for: item["name"]?.stringValue ?? ""),
                        input: OpenAIChatReplyContext.toolInput(arguments: arguments)))
                toolCalls += 1
            default:
                continue
            }
        }
        if content.isEmpty { content.append(.text("")) }
        let incompleteReason = response["incomplete_details"]?["reason"]?.stringValue
        let stopReason = context.stopReason(incompleteReason: incompleteReason, hasToolCalls: toolCalls > 0, refused: refused)
        var usage = OpenAIResponsesReplyContext.usage(response["usage"]) ?? context.estimatedUsage(outputCharacters: outputCharacters)
        usage.webSearchRequests = searches
        var message = AnthropicMessage(id: context.messageID, model: context.requestedModel, content: content, stopReason: stopReason, usage: usage)
        message.stopDetails = OpenAIResponsesReplyContext.refusalDetails(stopReason, incompleteReason: incompleteReason)
        return message
    }
}
