/// What the Gemini API expects of a model family, read from the model's name: how reasoning is
/// asked for, whether function calls need their thought signatures back, which fields take
/// schemas, and whether Google's own tools may join function declarations.
///
/// From Google's thinking and thought-signature guides (ai.google.dev/gemini-api/docs/thinking,
/// /thought-signatures): Gemini 2.5 takes a token budget (Pro 128–32768 and cannot stop thinking;
/// Flash 0–24576; Flash-Lite 512–24576, 0 turning thinking off); Gemini 3 takes a level (Pro: low
/// or high; Flash also minimal and medium) and cannot turn thinking off either, and rejects a
/// follow-up whose function calls lost their signatures. Sending both a level and a budget is a
/// 400. Built-in tools (Google Search, URL context) together with function declarations are
/// Gemini 3 only (ai.google.dev/gemini-api/docs/tool-combination); earlier models refuse the mix.
/// Families the proxy does not know get no thinking settings and the conservative schema form.
package struct GeminiModelFamily: Sendable, Equatable {
    package enum ThinkingControl: Sendable, Equatable {
        /// No thinking settings are sent (Gemini 1.5, 2.0, Gemma and names the proxy does not know).
        case none
        /// `thinkingBudget` within `range`; `0` turns thinking off only when `canTurnOff`.
        case budget(range: ClosedRange<Int>, canTurnOff: Bool)
        /// `thinkingLevel`, one of `levels` (least thinking first); the first is used when the client
        /// turns thinking off, as these models always think.
        case level(levels: [String])
    }

    package var thinking: ThinkingControl
    /// Gemini 3 and later validate the signature of the first function call of each step.
    package var requiresThoughtSignatures: Bool
    /// Gemini 2.5 and later take full JSON Schema in `parametersJsonSchema` and
    /// `responseJsonSchema`; older models only the OpenAPI subset in `parameters` and
    /// `responseSchema`.
    package var takesJSONSchemaParameters: Bool
    /// Gemini 3 and later take built-in tools and function declarations in one request (with
    /// `toolConfig.includeServerSideToolInvocations`).
    package var combinesBuiltInToolsWithFunctions: Bool
    /// The fewest tokens an explicit cache (`cachedContents`) holds: 1,024 for Flash models, 4,096
    /// for the others, 32,768 for Gemini 1.5 (the context caching guide).
    package var minimumCachedTokens: Int

    package init(
        thinking: ThinkingControl, requiresThoughtSignatures: Bool, takesJSONSchemaParameters: Bool, combinesBuiltInToolsWithFunctions: Bool,
        minimumCachedTokens: Int = 4_096
    ) {
        self.thinking = thinking
        self.requiresThoughtSignatures = requiresThoughtSignatures
        self.takesJSONSchemaParameters = takesJSONSchemaParameters
        self.combinesBuiltInToolsWithFunctions = combinesBuiltInToolsWithFunctions
        self.minimumCachedTokens = minimumCachedTokens
    }

    /// The family of `model` (`gemini-2.5-pro`, `models/gemini-3-flash-preview`, ...).
    package init(model: String) {
        let name = String(model.lowercased().split(separator: "/").last ?? "")
        guard name.hasPrefix("gemini-") else {
            self.init(
                thinking: .none, requiresThoughtSignatures: false, takesJSONSchemaParameters: false, combinesBuiltInToolsWithFunctions: false)
            return
        }
        let version = name.dropFirst("gemini-".count).prefix { $0.isNumber || $0 == "." }
        let major = Int(version.split(separator: ".").first ?? "") ?? 0
        let minor = version.split(separator: ".").dropFirst().first.flatMap { Int($0) } ?? 0
        let isFlash = name.contains("flash")
        defer { minimumCachedTokens = major == 1 ? 32_768 : isFlash ? 1_024 : 4_096 }
        if major >= 3 {
            self.init(
                thinking: .level(levels: isFlash ? ["minimal", "low", "medium", "high"] : ["low", "high"]),
                requiresThoughtSignatures: true, takesJSONSchemaParameters: true, combinesBuiltInToolsWithFunctions: true)
        } else if major == 2, minor >= 5 {
            let budget: ThinkingControl =
                name.contains("flash-lite") ? .budget(range: 512...24_576, canTurnOff: true)
                : isFlash ? .budget(range: 1...24_576, canTurnOff: true) : .budget(range: 128...32_768, canTurnOff: false)
            self.init(
                thinking: budget, requiresThoughtSignatures: false, takesJSONSchemaParameters: true, combinesBuiltInToolsWithFunctions: false)
        } else {
            self.init(
                thinking: .none, requiresThoughtSignatures: false, takesJSONSchemaParameters: false, combinesBuiltInToolsWithFunctions: false)
        }
    }
}
