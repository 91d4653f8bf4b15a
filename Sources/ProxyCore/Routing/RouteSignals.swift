/// What routing by need reads of a request. The costly signals (the token estimate, a walk over
/// every message for images) are closures, asked only when a rule that needs them applies.
package struct RouteSignals {
    /// Why the request counts as thinking ("thinking enabled (budget 8000 tokens)", "effort high"),
    /// nil when it does not. Adaptive thinking at a lower effort, Claude Code's default, does not.
    package var thinking: String?
    package var serverToolNeed: ServerToolRouting.Need?
    package var estimatedInputTokens: () -> Int
    /// Whether a message holds an image or a PDF (a tool result's included).
    package var carriesImages: () -> Bool

    package init(
        thinking: String? = nil, serverToolNeed: ServerToolRouting.Need? = nil, estimatedInputTokens: @escaping () -> Int = { 0 },
        carriesImages: @escaping () -> Bool = { false }
    ) {
        self.thinking = thinking
        self.serverToolNeed = serverToolNeed
        self.estimatedInputTokens = estimatedInputTokens
        self.carriesImages = carriesImages
    }

    /// The signals of a Messages request's JSON; the token estimate is the caller's (it needs the
    /// decoded request, which the caller keeps).
    package init(json: JSONValue, estimatedInputTokens: @escaping () -> Int) {
        self.init(
            thinking: Self.thinking(json), serverToolNeed: ServerToolRouting.need(ofTools: json["tools"]), estimatedInputTokens: estimatedInputTokens,
            carriesImages: { Self.carriesImages(json["messages"]) })
    }

    private static func thinking(_ json: JSONValue) -> String? {
        if json["thinking"]?["type"]?.stringValue == "enabled" {
            return json["thinking"]?["budget_tokens"]?.intValue.map { "thinking enabled (budget \($0) tokens)" } ?? "thinking enabled"
        }
        if let effort = effort(json)?.lowercased(), ["high", "xhigh", "max"].contains(effort) {
            return "effort \(effort)"
        }
        return nil
    }

    /// The reply's effort: that of a system message after the last user message (set for its
    /// turn), else `output_config`'s.
    private static func effort(_ json: JSONValue) -> String? {
        for message in (json["messages"]?.arrayValue ?? []).reversed() {
            if message["role"] == "user" { break }
            if message["role"] == "system", let effort = message["output_config"]?["effort"]?.stringValue { return effort }
        }
        return json["output_config"]?["effort"]?.stringValue
    }

    private static func carriesImages(_ messages: JSONValue?) -> Bool {
        for message in messages?.arrayValue ?? [] {
            for block in message["content"]?.arrayValue ?? [] {
                if isImage(block) { return true }
                if block["type"]?.stringValue == "tool_result", block["content"]?.arrayValue?.contains(where: isImage) == true { return true }
            }
        }
        return false
    }

    /// An image, or a document that is a file (a PDF) rather than text.
    private static func isImage(_ block: JSONValue) -> Bool {
        switch block["type"]?.stringValue {
        case "image": true
        case "document": !["text", "content"].contains(block["source"]?["type"]?.stringValue ?? "")
        default: false
        }
    }
}
