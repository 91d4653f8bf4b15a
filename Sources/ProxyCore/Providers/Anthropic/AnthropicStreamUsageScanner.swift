/// Watches a passed-through Anthropic stream for what it tells the client about its usage and how
/// it ends, without holding any of it back: only the small `message_start`, `message_delta`,
/// `message_stop` and `error` events are parsed.
package struct AnthropicStreamUsageScanner: Sendable {
    private var parser = SSEParser(only: ["message_start", "message_delta", "message_stop", "error"])
    /// `message_start`'s usage, whose input counts a `message_delta` may leave out.
    private var startUsage: Usage?
    private var error: AnthropicError?
    private var stopped = false

    /// What the client has been told in a `message_delta`, its counts cumulative; `nil` before one.
    package private(set) var usage: Usage?

    package init() {}

    package mutating func feed<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        for event in parser.feed(bytes) { observe(event) }
    }

    /// The upstream closed: how the stream ended, and the error event to add when it stopped with
    /// neither `message_stop` nor an error, cut off.
    package mutating func finish() -> (events: [AnthropicStreamEvent], ending: StreamEnding) {
        for event in parser.finish() { observe(event) }
        if let error { return ([], .failed(error, usage: usage)) }
        if stopped { return ([], .completed(usage ?? startUsage ?? Usage())) }
        let cutOff = AnthropicError(.api, "Anthropic's stream ended before the reply was complete; the answer is cut off.", status: 502)
        return ([.error(cutOff)], .failed(cutOff, usage: usage))
    }

    private mutating func observe(_ event: SSEEvent) {
        switch event.event {
        case "message_start"?:
            startUsage = Self.usage((try? JSONParser.parse(event.data))?["message"]?["usage"], over: Usage())
        case "message_delta"?:
            usage = Self.usage((try? JSONParser.parse(event.data))?["usage"], over: startUsage ?? Usage())
        case "message_stop"?:
            stopped = true
        default:
            if case .error(let upstreamError)? = try? AnthropicStreamEvent(sse: event) { error = upstreamError }
        }
    }

    /// The counts `json` gives, the others as in `base`.
    package static func usage(_ json: JSONValue?, over base: Usage) -> Usage {
        Usage(
            inputTokens: json?["input_tokens"]?.intValue ?? base.inputTokens, outputTokens: json?["output_tokens"]?.intValue ?? base.outputTokens,
            cacheCreationInputTokens: json?["cache_creation_input_tokens"]?.intValue ?? base.cacheCreationInputTokens,
            cacheReadInputTokens: json?["cache_read_input_tokens"]?.intValue ?? base.cacheReadInputTokens,
            webSearchRequests: json?["server_tool_use"]?["web_search_requests"]?.intValue ?? base.webSearchRequests,
            compaction: TokenCounts.compaction(in: json) ?? base.compaction)
    }
}
