/// The context windows servers tell: in their model lists (OpenRouter's and LM Studio's
/// `context_length`, vLLM's `max_model_len`, Gemini's `inputTokenLimit`) or, for llama.cpp, in
/// `/props` (`n_ctx`, what the server was started with). A window the proxy does not know, or
/// knows larger than the server's, keeps Claude Code from compacting in time.
extension UpstreamProbe {
    /// The window a list entry states, when it states one.
    static func contextWindow(in entry: JSONValue) -> Int? {
        for key in ["context_window", "context_length", "max_model_len", "max_context_length", "inputTokenLimit", "max_input_tokens"] {
            if let tokens = entry[key]?.intValue, tokens > 0 { return tokens }
        }
        return nil
    }

    /// llama.cpp's `n_ctx`, from a `/props` answer (`default_generation_settings.n_ctx`, or at the top).
    static func propertiesContextWindow(_ answer: Answer) -> Int? {
        guard case .answered(200, let body) = answer, let json = try? JSONParser.parse(body) else { return nil }
        let tokens = json["default_generation_settings"]?["n_ctx"]?.intValue ?? json["n_ctx"]?.intValue
        return tokens.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The line for a window the server tells: ✓ when `MODEL_CONTEXT_WINDOWS` sets it no larger,
    /// ! when it sets it larger, or the catalog knows it larger or not at all; `nil` when the
    /// catalog knows it and the server's is no smaller (nothing to say).
    static func contextWindowCheck(_ model: MappedModel, serverWindow: Int, configuration: ProxyConfiguration) -> DoctorCheck? {
        let setting = ConfigurationSetting.modelContextWindows.variable
        let fix = "Set \(setting)=\(model.name.lowercased())=\(serverWindow) so that Claude Code compacts before it fills"
        let said = "the server says its context window is \(serverWindow) tokens"
        let configured = configuration.modelContextWindows[model.name.lowercased()] ?? configuration.modelContextWindows[ModelCatalog.bareName(of: model.name)]
        if let configured {
            guard configured > serverWindow else {
                let detail = configured == serverWindow ? "context window \(serverWindow) tokens, as the server says" : "context window \(configured) tokens (the server allows \(serverWindow))"
                return DoctorCheck(.ok, model.qualifiedName, "\(detail), from \(setting)")
            }
            return DoctorCheck(.warning, model.qualifiedName, "\(said); \(setting) says \(configured)", fix: fix)
        }
        guard let known = ModelCatalog(configuration: configuration).profile(for: model.name, preset: model.preset).contextWindow else {
            return DoctorCheck(.warning, model.qualifiedName, "\(said); the catalog doesn't know it", fix: fix)
        }
        guard known > serverWindow else { return nil }
        return DoctorCheck(.warning, model.qualifiedName, "\(said); the catalog says \(known)", fix: fix)
    }
}
