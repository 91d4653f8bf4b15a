/// A reply a thread keeps: its `id`, which the next turn continues from, and the assistant message
/// it adds to the history.
package struct ThreadReply: Sendable, Equatable {
    package var id: String
    package var message: JSONValue

    package init(id: String, message: JSONValue) {
        self.id = id
        self.message = message
    }

    /// The reply of a whole (not streamed) Messages response body; nil when it is not a message.
    package init?(wholeBody body: [UInt8]) {
        guard let json = try? JSONParser.parse(body), json["type"] == "message", let id = json["id"]?.stringValue,
            let content = json["content"], case .array = content
        else { return nil }
        self.init(id: id, content: content)
    }

    init(id: String, content: JSONValue) {
        self.init(id: id, message: ["role": "assistant", "content": content])
    }
}

/// Rebuilds a streamed reply from the stream's bytes as they go to the client, whatever backend
/// wrote them, keeping every block as the stream described it (the blocks a thread sends back
/// upstream on later turns). A stream that ends in an error, or before `message_stop`, has no reply.
package struct ThreadReplyRecorder: Sendable {
    private var parser = SSEParser()
    private var id: String?
    private var blocks: [JSONObject] = []
    /// The open block's text members (`text`, `thinking`, `signature`) as their deltas arrive,
    /// each appended in place, set in the block when it stops.
    private var grown: [String: String] = [:]
    /// The `partial_json` of the open tool-call block, parsed when it stops.
    private var partialInput = ""
    private var failed = false
    /// The whole reply, once `message_stop` has arrived.
    package private(set) var reply: ThreadReply?

    package init() {}

    package mutating func consume(_ bytes: some Collection<UInt8>) {
        guard !failed, reply == nil else { return }
        for event in parser.feed(bytes) {
            guard let json = try? JSONParser.parse(event.data), apply(json) else {
                failed = true
                return
            }
        }
    }

    /// Takes one event in; false when it does not fit the stream so far.
    private mutating func apply(_ event: JSONValue) -> Bool {
        switch event["type"]?.stringValue {
        case "message_start":
            guard id == nil, let id = event["message"]?["id"]?.stringValue else { return false }
            self.id = id
        case "content_block_start":
            guard event["index"]?.intValue == blocks.count, let block = event["content_block"]?.objectValue else { return false }
            blocks.append(block)
            grown = [:]
            partialInput = ""
        case "content_block_delta":
            guard event["index"]?.intValue == blocks.count - 1, let delta = event["delta"]?.objectValue else { return false }
            return applyDelta(delta)
        case "content_block_stop":
            guard event["index"]?.intValue == blocks.count - 1 else { return false }
            for (member, text) in grown { blocks[blocks.count - 1][member] = .string(text) }
            if !partialInput.isEmpty {
                guard let input = try? JSONParser.parse(partialInput) else { return false }
                blocks[blocks.count - 1]["input"] = input
            }
        case "message_stop":
            guard let id else { return false }
            reply = ThreadReply(id: id, content: .array(blocks.map(JSONValue.object)))
        case "message_delta", "ping":
            break
        default:
            return false
        }
        return true
    }

    private mutating func applyDelta(_ delta: JSONObject) -> Bool {
        let open = blocks[blocks.count - 1]
        func grow(_ member: String, by key: String) -> Bool {
            guard let more = delta[key]?.stringValue else { return false }
            grown[member, default: open[member]?.stringValue ?? ""] += more
            return true
        }
        switch delta["type"]?.stringValue {
        case "text_delta": return grow("text", by: "text")
        case "thinking_delta": return grow("thinking", by: "thinking")
        case "signature_delta": return grow("signature", by: "signature")
        case "input_json_delta":
            guard let more = delta["partial_json"]?.stringValue else { return false }
            partialInput += more
            return true
        case "citations_delta":
            guard let citation = delta["citation"] else { return false }
            blocks[blocks.count - 1]["citations"] = .array((open["citations"]?.arrayValue ?? []) + [citation])
            return true
        default:
            return false
        }
    }
}
