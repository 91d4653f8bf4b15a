extension AnthropicMessage {
    /// This reply with its thinking shown as the client asked (`thinking.display`): omitted, each
    /// thinking block keeps its signature but not its text, which moves into the signature when
    /// there is a `signatureForText` (and the upstream did not sign the block). See
    /// `ThinkingDisplayStreamTranslator` for streams.
    package func showingThinking(_ display: MessagesRequest.ThinkingDisplay, signatureForText: ((String) -> String)?) -> AnthropicMessage {
        guard case .omitted = display else { return self }
        var message = self
        message.content = content.map { block in
            guard case .thinking(let text, let signature) = block else { return block }
            guard signature.isEmpty, !text.isEmpty, let signatureForText else { return .thinking("", signature: signature) }
            return .thinking("", signature: signatureForText(text))
        }
        return message
    }
}
