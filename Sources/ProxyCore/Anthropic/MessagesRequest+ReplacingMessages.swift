extension MessagesRequest {
    /// Where an element of a new message list comes from (see `replaceMessages(with:)`).
    package enum MessageSource: Sendable {
        /// `messages[index]` as it is.
        case kept(Int)
        /// `messages[index]` edited into a new message: it still loads the tools the original did.
        case edited(Int, into: Message)
        /// A message the request did not have.
        case added(Message)
    }

    /// Sets `messages` to `sources`. When the request has decodings, a kept message keeps its own
    /// (with all a later turn reuses of it) and the others get new ones, so that the decodings
    /// still line up with the messages.
    mutating func replaceMessages(with sources: [MessageSource]) {
        let original = messages
        let decoded = decodedMessages
        messages = sources.map { source in
            switch source {
            case .kept(let index): original[index]
            case .edited(_, let message), .added(let message): message
            }
        }
        guard let decoded else { return }
        decodedMessages = zip(sources, messages).map { source, message in
            switch source {
            case .kept(let index): decoded[index]
            case .edited(let index, _): DecodedMessage(message, loadedTools: decoded[index].loadedTools)
            case .added: DecodedMessage(message, loadedTools: [])
            }
        }
    }
}
