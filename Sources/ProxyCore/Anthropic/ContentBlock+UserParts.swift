/// What every translator says the same way about a block in a user message's content.
extension ContentBlock {
    /// A text document as a model reads it: its title, a blank line, then its text.
    static func documentText(_ text: String, title: String?) -> String {
        title.map { "\($0)\n\n\(text)" } ?? text
    }

    /// A tool result's content as upstreams that take a tool's answer as text need it: the text
    /// blocks joined by newlines, and the other blocks (images, documents) made into parts by
    /// `part`, given each one's path; `part` may leave a block out by answering nil.
    static func toolResultParts<Part>(
        _ content: [ContentBlock], path: String, part: (ContentBlock, String) throws(AnthropicError) -> Part?
    ) throws(AnthropicError) -> (text: String, attachments: [Part]) {
        var texts: [String] = []
        var attachments: [Part] = []
        for (index, item) in content.enumerated() {
            if case .text(let text) = item {
                texts.append(text)
            } else if let attachment = try part(item, "\(path).content.\(index)") {
                attachments.append(attachment)
            }
        }
        // One text stays the very string parsed (see `JSONStringEscapes`).
        return (texts.count == 1 ? texts[0] : texts.joined(separator: "\n"), attachments)
    }

    /// Why this block cannot be a part of a user message: an image with a text source, a tool
    /// call (it belongs to the assistant), or a tool result or thinking where only content goes.
    func misplacedInUserContent(at path: String) -> AnthropicError {
        switch self {
        case .image(.text): .invalidRequest("\(path).source.type: images cannot have a text source")
        case .toolUse: .invalidRequest("\(path).type: tool_use blocks belong in assistant messages")
        default: .invalidRequest("\(path).type: this block is not allowed here")
        }
    }
}
