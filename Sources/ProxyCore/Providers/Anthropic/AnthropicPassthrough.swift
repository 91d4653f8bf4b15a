/// The only edits the Anthropic passthrough makes: the model name, in the request on the way up
/// and in the reply on the way down. Every other byte is forwarded as sent.
package enum AnthropicPassthrough {
    /// The body with its top-level `model` value replaced, all other bytes untouched.
    package static func replacingModel(in body: [UInt8], with model: String) throws(AnthropicError) -> [UInt8] {
        let range = try body.withUnsafeBytes { bytes in Result { () throws(AnthropicError) in try modelRange(in: bytes) } }.get()
        var result = Array(body[..<range.lowerBound])
        result += JSONWriter.encode(.string(model))
        result += body[range.upperBound...]
        return result
    }

    /// Where the value of the body's top-level `model` is: the last one's, which is what Anthropic
    /// reads when a body names two.
    package static func modelRange(in body: UnsafeRawBufferPointer) throws(AnthropicError) -> Range<Int> {
        let ranges: [(key: String, range: Range<Int>)]
        do {
            ranges = try JSONParser.topLevelMemberRanges(body)
        } catch {
            throw .invalidRequest("The request body is not valid JSON: \(error)")
        }
        guard let range = ranges.last(where: { $0.key == "model" })?.range else {
            throw .invalidRequest("model: Field required")
        }
        return range
    }
}

/// Rewrites the `model` of a passed-through Anthropic stream's `message_start` event, then gets out
/// of the way: bytes before the first event ends are held, everything after flows through as is.
package struct AnthropicStreamModelRewriter: Sendable {
    private let model: String
    private var held: [UInt8] = []
    private var rewritten = false

    package init(model: String) {
        self.model = model
    }

    package mutating func feed<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        if rewritten { return Array(bytes) }
        held += bytes
        guard let end = SSEParser.endOfEvent(in: held) else { return [] }
        rewritten = true
        let output = rewriteEvent(Array(held[..<end])) + held[end...]
        held = []
        return output
    }

    /// What is still held when the upstream closes.
    package mutating func finish() -> [UInt8] {
        defer { held = [] }
        return held
    }

    private func rewriteEvent(_ event: [UInt8]) -> [UInt8] {
        var parser = SSEParser()
        guard let parsed = (parser.feed(event) + parser.finish()).first, parsed.event == "message_start",
            case .object(var payload)? = try? JSONParser.parse(parsed.data), case .object(var message)? = payload["message"]
        else { return event }
        message["model"] = .string(model)
        payload["message"] = .object(message)
        var writer = JSONWriter()
        writer.writeEvent(named: "message_start", data: .object(payload))
        return writer.bytes
    }
}
