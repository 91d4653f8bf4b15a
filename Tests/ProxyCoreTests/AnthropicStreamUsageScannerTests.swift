import ProxyCore
import Testing

/// What a passed-through Anthropic stream told the client about its usage, and how it ended.
@Suite struct AnthropicStreamUsageScannerTests {
    private static func event(_ name: String, _ data: String) -> String {
        "event: \(name)\ndata: \(data)\n\n"
    }

    static let start = event(
        "message_start",
        #"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-opus-4-1","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":3,"cache_read_input_tokens":40,"output_tokens":1}}}"#
    )
    static let text =
        event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#)
        + event("ping", #"{"type": "ping"}"#)
        + event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi \"usage\":{\"output_tokens\":99}"}}"#)
        + event("content_block_stop", #"{"type":"content_block_stop","index":0}"#)
    static let delta = event("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":27}}"#)
    static let stop = event("message_stop", #"{"type":"message_stop"}"#)

    static let told = Usage(inputTokens: 12, outputTokens: 27, cacheCreationInputTokens: 3, cacheReadInputTokens: 40)

    /// Feeds `stream` cut every `pieceSize` bytes.
    private func scan(_ stream: String, pieceSize: Int) -> AnthropicStreamUsageScanner {
        var scanner = AnthropicStreamUsageScanner()
        let bytes = Array(stream.utf8)
        for start in stride(from: 0, to: bytes.count, by: pieceSize) { scanner.feed(bytes[start..<min(start + pieceSize, bytes.count)]) }
        return scanner
    }

    @Test(arguments: [1, 7, 4096])
    func aCompleteStreamEndsWithMessageStartsInputAndMessageDeltasOutput(pieceSize: Int) {
        var scanner = scan(Self.start + Self.text + Self.delta + Self.stop, pieceSize: pieceSize)
        #expect(scanner.usage == Self.told)
        let (events, ending) = scanner.finish()
        #expect(events == [])
        #expect(ending == .completed(Self.told))
    }

    @Test func usageIsToldOnlyByMessageDelta() {
        var scanner = scan(Self.start + Self.text, pieceSize: 64)
        #expect(scanner.usage == nil)
        scanner.feed(Array(Self.delta.utf8))
        #expect(scanner.usage == Self.told)
    }

    /// Anthropic's later message_delta repeats the input counts, and they are the ones to believe.
    @Test func countsInMessageDeltaReplaceMessageStarts() {
        let delta = Self.event(
            "message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":15,"cache_read_input_tokens":40,"output_tokens":27}}"#)
        var scanner = scan(Self.start + delta + Self.stop, pieceSize: 64)
        #expect(scanner.finish().ending == .completed(Usage(inputTokens: 15, outputTokens: 27, cacheCreationInputTokens: 3, cacheReadInputTokens: 40)))
    }

    @Test func anErrorEventEndsItAsFailedWithWhatWasTold() {
        let overloaded = Self.event("error", #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#)
        var beforeDelta = scan(Self.start + Self.text + overloaded, pieceSize: 5)
        #expect(beforeDelta.finish() == ([], .failed(AnthropicError(.overloaded, "Overloaded"), usage: nil)))

        var afterDelta = scan(Self.start + Self.text + Self.delta + overloaded, pieceSize: 5)
        let (events, ending) = afterDelta.finish()
        #expect(events == [])
        #expect(ending == .failed(AnthropicError(.overloaded, "Overloaded", status: 529), usage: Self.told))
    }

    @Test func aStreamThatStopsShortGetsAnErrorEvent() {
        var scanner = scan(Self.start + Self.text, pieceSize: 64)
        let cutOff = AnthropicError(.api, "Anthropic's stream ended before the reply was complete; the answer is cut off.", status: 502)
        let (events, ending) = scanner.finish()
        #expect(events == [.error(cutOff)])
        #expect(ending == .failed(cutOff, usage: nil))
    }

    /// A last event without its blank line still counts, as the SSE parser delivers it.
    @Test func aMessageStopWithoutItsBlankLineStillCompletes() {
        var scanner = scan(Self.start + Self.delta + "event: message_stop\ndata: {\"type\":\"message_stop\"}", pieceSize: 64)
        #expect(scanner.finish().ending == .completed(Self.told))
    }
}
