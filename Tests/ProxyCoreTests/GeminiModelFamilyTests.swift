import ProxyCore
import Testing

/// Each Gemini model gets the thinking control, signature handling, schema field and tool mix it takes.
@Suite struct GeminiModelFamilyTests {
    @Test func gemini3ModelsTakeALevelAndNeedSignatures() {
        let pro = GeminiModelFamily(model: "gemini-3-pro-preview")
        #expect(
            pro
                == GeminiModelFamily(
                    thinking: .level(levels: ["low", "high"]), requiresThoughtSignatures: true, takesJSONSchemaParameters: true,
                    combinesBuiltInToolsWithFunctions: true, minimumCachedTokens: 4_096))
        #expect(GeminiModelFamily(model: "models/gemini-3.1-pro-preview") == pro)
        #expect(GeminiModelFamily(model: "gemini-3-flash-preview").thinking == .level(levels: ["minimal", "low", "medium", "high"]))
    }

    @Test func gemini25ModelsTakeABudgetInTheirOwnRange() {
        #expect(
            GeminiModelFamily(model: "gemini-2.5-pro")
                == GeminiModelFamily(
                    thinking: .budget(range: 128...32_768, canTurnOff: false), requiresThoughtSignatures: false, takesJSONSchemaParameters: true,
                    combinesBuiltInToolsWithFunctions: false, minimumCachedTokens: 4_096))
        #expect(GeminiModelFamily(model: "gemini-2.5-flash").thinking == .budget(range: 1...24_576, canTurnOff: true))
        #expect(GeminiModelFamily(model: "Gemini-2.5-Flash-Lite").thinking == .budget(range: 512...24_576, canTurnOff: true))
    }

    @Test(arguments: ["gemini-2.0-flash", "gemini-1.5-pro", "gemma-3-27b-it", "learnlm-2.0-flash-experimental", "gemini-flash-latest"])
    func olderAndUnknownModelsGetNoThinkingAndTheSchemaSubset(model: String) {
        let family = GeminiModelFamily(model: model)
        #expect(
            family
                == GeminiModelFamily(
                    thinking: .none, requiresThoughtSignatures: false, takesJSONSchemaParameters: false, combinesBuiltInToolsWithFunctions: false,
                    minimumCachedTokens: family.minimumCachedTokens))
    }

    @Test(arguments: [
        ("gemini-2.5-flash", 1_024), ("gemini-2.5-flash-lite", 1_024), ("gemini-3-flash-preview", 1_024), ("gemini-flash-latest", 1_024),
        ("gemini-2.5-pro", 4_096), ("gemini-3-pro-preview", 4_096), ("gemini-1.5-pro", 32_768),
    ])
    func explicitCachesHoldTheModelsMinimum(model: String, minimum: Int) {
        #expect(GeminiModelFamily(model: model).minimumCachedTokens == minimum)
    }
}
