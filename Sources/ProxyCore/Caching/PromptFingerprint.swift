import Crypto

/// What cache diagnostics keep of a request: a digest and a token estimate of each part of its
/// prompt as the upstream reads it, never the prompt itself. Compared with an earlier request's, it
/// says where the prompt first diverged, in the order a prompt cache reads it: the model, then
/// tools, system and messages, as Anthropic's `diagnostics.cache_miss_reason` does.
///
/// The parts are the decoded request's, so what the upstream is not sent does not count: a moved
/// `cache_control` breakpoint, a JSON member order in `system`, a deferred tool not yet loaded.
package struct PromptFingerprint: Sendable, Equatable {
    /// A part of the prompt: its digest and its share of the token estimate.
    package struct Part: Sendable, Equatable {
        package var digest: UInt64
        package var tokens: Int
    }

    /// The upstream model that reads the prompt: a prompt cache is one model's.
    package var model: UInt64
    /// The tools in effect, client tools and server tools.
    package var tools: Part
    package var system: Part
    /// What else shapes the prompt: thinking, tool choice, an output format.
    package var settings: UInt64
    package var messages: [Part]

    /// - Parameter model: the upstream model the request goes to (`RouteTarget.qualifiedModel`).
    package init(_ request: MessagesRequest, model: String) {
        self.model = Self.digest(Array(model.utf8))
        let toolDefinitions: [JSONValue] =
            request.tools.map { tool in
                ["name": .string(tool.name), "description": tool.description.map { .string($0) } ?? .null, "input_schema": tool.inputSchema]
            }
            + request.serverTools.map { tool in
                [
                    "type": .string(tool.type), "name": .string(tool.name), "max_uses": tool.maxUses.map { .int($0) } ?? .null,
                    "allowed_domains": .array(tool.allowedDomains.map { .string($0) }), "blocked_domains": .array(tool.blockedDomains.map { .string($0) }),
                    "user_location": tool.userLocation ?? .null,
                ]
            }
        tools = Part(digest: Self.digest(JSONWriter.encode(.array(toolDefinitions))), tokens: TokenEstimator.estimate(tools: request.tools))
        system = Part(digest: Self.digest(JSONWriter.encode(.array(request.system.map { .string($0) }))), tokens: TokenEstimator.estimate(system: request.system))
        settings = Self.digest(JSONWriter.encode(Self.settings(of: request)))
        if let decoded = request.decodedMessages {
            messages = decoded.map { Part(digest: $0.digest, tokens: $0.estimatedTokens) }
        } else {
            messages = request.messages.map { Part(digest: Self.digest(of: $0), tokens: TokenEstimator.estimate($0)) }
        }
    }

    /// Where this prompt first diverges from `previous`'s; nil when it only adds messages after
    /// them (or leaves some of the last out: what it sends still matches).
    package func missReason(since previous: PromptFingerprint) -> CacheDiagnosis.MissReason? {
        let previousMessageTokens = previous.messages.reduce(0) { $0 + $1.tokens }
        if model != previous.model { return .modelChanged(missedTokens: previous.tools.tokens + previous.system.tokens + previousMessageTokens) }
        if tools != previous.tools { return .toolsChanged(missedTokens: previous.tools.tokens + previous.system.tokens + previousMessageTokens) }
        if system != previous.system { return .systemChanged(missedTokens: previous.system.tokens + previousMessageTokens) }
        if settings != previous.settings { return .unavailable }
        let compared = min(messages.count, previous.messages.count)
        guard let divergence = (0..<compared).first(where: { messages[$0].digest != previous.messages[$0].digest }) else { return nil }
        return .messagesChanged(missedTokens: previous.messages[divergence...].reduce(0) { $0 + $1.tokens })
    }

    /// The fingerprint as the shared database keeps it: each digest in 8 bytes and each token count
    /// in 4, little-endian, in hexadecimal (24 digits a message).
    package var encoded: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(40 + messages.count * 12)
        func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func append(_ part: Part) {
            append(part.digest)
            withUnsafeBytes(of: UInt32(clamping: part.tokens).littleEndian) { bytes += $0 }
        }
        append(model)
        append(tools)
        append(system)
        append(settings)
        for message in messages { append(message) }
        return bytes.hexDigits
    }

    /// Reads back what `encoded` wrote; nil for anything else.
    package init?(encoded text: String) {
        guard let bytes = [UInt8](hexDigits: text), bytes.count >= 40, (bytes.count - 40) % 12 == 0 else { return nil }
        var offset = 0
        func digest() -> UInt64 {
            defer { offset += 8 }
            return bytes[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        func part() -> Part {
            let digest = digest()
            defer { offset += 4 }
            return Part(digest: digest, tokens: Int(bytes[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }))
        }
        model = digest()
        tools = part()
        system = part()
        settings = digest()
        var messages: [Part] = []
        while offset < bytes.count { messages.append(part()) }
        self.messages = messages
    }

    /// About how many bytes the fingerprint takes in memory.
    package var size: Int {
        64 + messages.count * MemoryLayout<Part>.stride
    }

    /// A message's digest: of the message as decoded, so the same message sent again matches
    /// whatever JSON member order or breakpoint it comes with.
    package static func digest(of message: MessagesRequest.Message) -> UInt64 {
        digest(JSONWriter.encode(["role": .string(message.role.rawValue), "content": .array(message.content.map(\.json))]))
    }

    /// The first eight bytes of the SHA-256 of `bytes`: same on every instance and every run.
    private static func digest(_ bytes: [UInt8]) -> UInt64 {
        SHA256.hash(data: bytes).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    private static func settings(of request: MessagesRequest) -> JSONValue {
        let thinking: JSONValue =
            switch request.thinking {
            case .disabled: "disabled"
            case .adaptive: "adaptive"
            case .enabled(let budget): .int(budget)
            }
        let toolChoice: JSONValue =
            switch request.toolChoice {
            case nil: .null
            case .auto?: "auto"
            case .any?: "any"
            case .none?: "none"
            case .tool(let name)?: .string("tool " + name)
            }
        return [
            "thinking": thinking, "tool_choice": toolChoice, "disable_parallel_tool_use": .bool(request.disableParallelToolUse),
            "output_format": request.outputSchema ?? .null,
        ]
    }
}
