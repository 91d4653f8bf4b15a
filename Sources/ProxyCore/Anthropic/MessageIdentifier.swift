/// Identifiers in Anthropic's forms: `msg_…` for replies, `toolu_…` for tool calls, `req_…` for
/// requests.
package enum MessageIdentifier {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A fresh random reply id: `msg_` and 24 base-62 characters.
    package static func newMessageID() -> String {
        newID(prefix: "msg_")
    }

    /// A fresh random request id: `req_` and 24 base-62 characters.
    package static func newRequestID() -> String {
        newID(prefix: "req_")
    }

    private static func newID(prefix: String) -> String {
        // Eight characters from each 64-bit draw: each draw is a system call here.
        var generator = SystemRandomNumberGenerator()
        var characters: [UInt8] = []
        characters.reserveCapacity(24)
        for _ in 0..<3 {
            var draw = generator.next()
            for _ in 0..<8 {
                characters.append(alphabet[Int(draw % UInt64(alphabet.count))])
                draw /= UInt64(alphabet.count)
            }
        }
        return prefix + String(decoding: characters, as: UTF8.self)
    }

    /// A tool-call id for an upstream that gave none, derived from the reply's id so that the
    /// streamed and the whole translation of one reply agree.
    package static func toolUseID(messageID: String, index: Int) -> String {
        let suffix = messageID.hasPrefix("msg_") ? String(messageID.dropFirst(4)) : messageID
        return "toolu_\(suffix)_\(index)"
    }

    /// A server tool use's id (`srvtoolu_…`): the upstream's own id for the search without its
    /// prefix (`ws_…`) when it gave one, else one derived from the reply's id as for tool calls.
    package static func serverToolUseID(upstreamID: String? = nil, messageID: String, index: Int) -> String {
        guard let upstreamID, !upstreamID.isEmpty else { return "srv" + toolUseID(messageID: messageID, index: index) }
        let suffix = upstreamID.firstIndex(of: "_").map { upstreamID[upstreamID.index(after: $0)...] } ?? upstreamID[...]
        return "srvtoolu_" + suffix
    }

    /// The upstream's own id for a tool call when it gave a non-empty one, else one derived from
    /// the reply's id.
    static func toolUseID(upstreamID: String?, messageID: String, index: Int) -> String {
        if let upstreamID, !upstreamID.isEmpty { return upstreamID }
        return toolUseID(messageID: messageID, index: index)
    }
}
