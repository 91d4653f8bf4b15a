extension ContentBlock {
    /// Whether `other` is the same block to the byte, so translates to the same bytes (`==`
    /// compares text by canonical equivalence and tool inputs by `JSONValue`'s looser equality).
    /// A later turn's blocks share their strings with the turn before's: those answer at once.
    func isIdentical(to other: ContentBlock) -> Bool {
        switch (self, other) {
        case (.text(let a), .text(let b)), (.redactedThinking(let a), .redactedThinking(let b)):
            return a.hasSameUTF8(as: b)
        case (.thinking(let a, let signature), .thinking(let b, let otherSignature)):
            return a.hasSameUTF8(as: b) && signature.hasSameUTF8(as: otherSignature)
        case (.toolUse(let id, let name, let input), .toolUse(let otherID, let otherName, let otherInput)),
            (.serverToolUse(let id, let name, let input), .serverToolUse(let otherID, let otherName, let otherInput)):
            return id.hasSameUTF8(as: otherID) && name.hasSameUTF8(as: otherName) && input.isIdentical(to: otherInput)
        case (.toolResult(let id, let content, let isError), .toolResult(let otherID, let otherContent, let otherIsError)):
            return isError == otherIsError && id.hasSameUTF8(as: otherID) && content.count == otherContent.count
                && zip(content, otherContent).allSatisfy { $0.isIdentical(to: $1) }
        default:
            // Images, documents and search results: rare, and all of them is in their JSON.
            return self == other && json.isIdentical(to: other.json)
        }
    }
}
