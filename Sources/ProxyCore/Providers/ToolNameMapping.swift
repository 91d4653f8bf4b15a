/// Makes tool names valid for upstreams that allow only `[A-Za-z0-9_-]{1,64}` (OpenAI, Gemini) and
/// maps the upstream's names back to the client's.
///
/// A valid name is kept. Any other is cleaned and given a hash of the original, so two names that
/// clean to the same text stay distinct and the same name always maps the same way, in every turn.
package struct ToolNameMapping: Sendable, Equatable {
    package static let maximumLength = 64

    private var originalByUpstream: [String: String] = [:]

    /// A mapping that knows every tool the request declares or its history used.
    package init(request: MessagesRequest) {
        for tool in request.tools { register(tool.name) }
        for message in request.messages {
            for case .toolUse(_, let name, _) in message.content { register(name) }
        }
    }

    private mutating func register(_ name: String) {
        originalByUpstream[Self.upstreamName(for: name)] = name
    }

    /// The client's name for a name the upstream used.
    package func originalName(for upstreamName: String) -> String {
        originalByUpstream[upstreamName] ?? upstreamName
    }

    package static func upstreamName(for name: String) -> String {
        if !name.isEmpty, name.utf8.count <= maximumLength, name.utf8.allSatisfy(\.isIdentifierCharacter) { return name }
        let cleaned = String(decoding: name.utf8.map { $0.isIdentifierCharacter ? $0 : UInt8(ascii: "_") }, as: UTF8.self)
        let hash = String(fnv1a(name), radix: 16)
        let suffix = "_" + String(repeating: "0", count: 8 - hash.count) + hash
        return String(cleaned.prefix(maximumLength - suffix.count)) + suffix
    }

    /// 32-bit FNV-1a: stable across runs and platforms, unlike `Hasher`.
    static func fnv1a(_ text: String) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }
}
