/// Carries the Responses API's encrypted reasoning through the client and back.
///
/// With `store: false` OpenAI keeps nothing between requests: a reasoning model keeps its
/// reasoning across turns only when each request sends the earlier reasoning items back, with the
/// `encrypted_content` it returned. The proxy keeps no state either, so the encrypted content
/// travels in the one field every Anthropic client sends back unchanged: the thinking block's
/// `signature`, as `openai-responses:<model>#<encrypted content>`. The thinking block's text is
/// the reasoning summary, when the client asked for thinking.
///
/// Encrypted reasoning is only valid for the model that wrote it, so the signature names it and
/// is replayed to that model only; signatures from Anthropic, Gemini or another model are left
/// out of Responses requests.
package enum OpenAIResponsesReasoningSignature {
    static let prefix = "openai-responses:"
    /// Never part of base64 (either alphabet), so the last one ends the model's name.
    static let separator: Character = "#"

    /// The signature for reasoning `model` wrote.
    package static func signature(model: String, encryptedContent: String) -> String {
        prefix + model + String(separator) + encryptedContent
    }

    /// The encrypted content `signature` carries, when `model` wrote it; `nil` for any other signature.
    package static func encryptedContent(in signature: String, model: String) -> String? {
        guard signature.hasPrefix(prefix), let end = signature.lastIndex(of: separator) else { return nil }
        let start = signature.index(signature.startIndex, offsetBy: prefix.count)
        guard start <= end, signature[start..<end].lowercased() == model.lowercased() else { return nil }
        let encrypted = signature[signature.index(after: end)...]
        return encrypted.isEmpty ? nil : String(encrypted)
    }
}
