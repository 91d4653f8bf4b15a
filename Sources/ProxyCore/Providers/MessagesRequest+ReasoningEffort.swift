extension MessagesRequest {
    /// The effort OpenAI's reasoning models are asked for (`reasoning_effort` in Chat Completions,
    /// `reasoning.effort` in the Responses API): `output_config.effort` when the client set it
    /// (`xhigh` and `max` are OpenAI's `high`), else from the thinking budget (up to 4K low, up to 16K medium,
    /// more high; adaptive medium); `nil` when thinking is off, leaving the model's default.
    package var openAIReasoningEffort: String? {
        if let effort = effort?.lowercased() {
            return ["low", "medium", "high"].contains(effort) ? effort : ["xhigh", "max"].contains(effort) ? "high" : "medium"
        }
        switch thinking {
        case .disabled: return nil
        case .adaptive: return "medium"
        case .enabled(let budget): return budget <= 4_096 ? "low" : budget <= 16_384 ? "medium" : "high"
        }
    }
}
