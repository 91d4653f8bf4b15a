/// Keeps tool-call ids within what an upstream accepts. OpenAI refuses a history whose
/// `tool_calls[].id` is longer than 40 characters, and ids from other upstreams can be longer
/// (Gemini's carry their thought signature, see `GeminiThoughtSignature`), so a conversation that
/// moves to OpenAI mid-way would fail.
///
/// A longer id becomes its first characters and a hash of the whole id: the same id always maps
/// the same way, so a call and its result still match, in every turn.
package enum ToolCallIDLimit {
    /// OpenAI's limit on `tool_calls[].id`.
    package static let openAI = 40

    package static func fitting(_ id: String, within maximumLength: Int = openAI) -> String {
        guard id.utf8.count > maximumLength else { return id }
        let hash = String(ToolNameMapping.fnv1a(id), radix: 16)
        let suffix = "_" + String(repeating: "0", count: 8 - hash.count) + hash
        let head = id.unicodeScalars.prefix { $0.isASCII }.prefix(maximumLength - suffix.utf8.count)
        return String(String.UnicodeScalarView(head)) + suffix
    }
}
