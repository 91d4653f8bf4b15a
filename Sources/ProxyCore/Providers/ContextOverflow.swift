/// Recognises an upstream's "the prompt does not fit" error and restates it the one way Claude Code
/// understands: a 400 `invalid_request_error` reading `prompt is too long: N tokens > M maximum`,
/// which makes it compact the conversation and go on instead of stopping.
package enum ContextOverflow {
    /// The numbers an overflow error states; either may be missing.
    package struct Figures: Sendable, Equatable {
        package var tokens: Int?
        package var maximum: Int?

        package init(tokens: Int? = nil, maximum: Int? = nil) {
            self.tokens = tokens
            self.maximum = maximum
        }
    }

    /// Wordings that carry both numbers, each with which capture is the maximum.
    private nonisolated(unsafe) static let numberedWordings: [(pattern: Regex<AnyRegexOutput>, maximumFirst: Bool)] = [
        // OpenAI, DeepSeek, vLLM, OpenRouter: "maximum context length is 128000 tokens. However, your
        // messages resulted in 131072 tokens" / "you requested (about) 4203 tokens" / "your request
        // has 5000 input tokens (plus 2045 'max_tokens')".
        (try! Regex(#"maximum context length is (\d+) tokens.*?(?:resulted in|requested(?: about)?|has) (\d+)(?: input)? tokens(?: plus (\d+))?"#), true),
        // OpenAI's newer wording.
        (try! Regex(#"exceeds? the configured limit of (\d+) tokens.*?resulted in (\d+) tokens"#), true),
        // Gemini: "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
        (try! Regex(#"input token count \((\d+)\) exceeds the maximum number of tokens allowed \((\d+)\)"#), false),
        // llama.cpp: "request (4476 tokens) exceeds the available context size (4096 tokens)".
        (try! Regex(#"request \((\d+) tokens\) exceeds the available context size \((\d+) tokens\)"#), false),
        // vLLM: "The prompt (total length 25938) is too long to fit into the model (context length 4096)".
        (try! Regex(#"prompt \(total length (\d+)\) is too long to fit into the model \(context length (\d+)\)"#), false),
        // Anthropic's own wording, from an Anthropic-compatible upstream.
        (try! Regex(#"prompt is too long: (\d+) tokens > (\d+) maximum"#), false),
    ].map { ($0.0.ignoresCase(), $0.1) }

    /// Wordings and codes that say "too long" without numbers.
    private static let markers = [
        "context_length_exceeded", "exceed_context_size_error", "maximum context length", "context length exceeded",
        "exceeds the context window", "exceeds the available context size", "context window of this model", "too many tokens",
        "prompt is too long", "input is too long", "reduce the length of the messages",
    ]

    /// The figures of an overflow error, or `nil` when the error is something else.
    /// - Parameters:
    ///   - message: the upstream's error message.
    ///   - body: the whole error body, for codes and fields (`code`, `type`, llama.cpp's
    ///     `n_prompt_tokens` and `n_ctx`).
    package static func figures(message: String, body: JSONValue?) -> Figures? {
        let error = body?["error"]
        if let tokens = error?["n_prompt_tokens"]?.intValue, let maximum = error?["n_ctx"]?.intValue {
            return Figures(tokens: tokens, maximum: maximum)
        }
        for wording in numberedWordings {
            guard let match = message.firstMatch(of: wording.pattern) else { continue }
            let numbers = match.output.dropFirst().map { $0.substring.flatMap { Int($0) } }
            guard numbers.count >= 2, let first = numbers[0], let second = numbers[1] else { continue }
            let extra = numbers.count > 2 ? numbers[2] ?? 0 : 0
            return wording.maximumFirst ? Figures(tokens: second + extra, maximum: first) : Figures(tokens: first, maximum: second)
        }
        let codes = [error?["code"]?.stringValue, error?["type"]?.stringValue, error?["status"]?.stringValue].compactMap { $0 }
        let lowered = message.lowercased()
        if markers.contains(where: { marker in codes.contains(marker) || lowered.contains(marker) }) {
            return Figures()
        }
        return nil
    }

    /// The error Claude Code compacts on. Missing numbers come from the local estimate and the
    /// model's known context window, kept consistent (the first always above the second).
    package static func error(_ figures: Figures, estimatedTokens: Int, contextWindow: Int?) -> AnthropicError {
        let maximum = figures.maximum ?? contextWindow ?? max(estimatedTokens - 1, 1)
        let tokens = max(figures.tokens ?? estimatedTokens, maximum + 1)
        return .invalidRequest("prompt is too long: \(tokens) tokens > \(maximum) maximum")
    }
}
