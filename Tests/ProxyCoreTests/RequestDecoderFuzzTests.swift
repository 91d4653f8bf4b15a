import ProxyCore
import Testing

/// Thousands of deterministic mutations of real Claude Code requests, each parsed, decoded,
/// estimated and translated: nothing may crash, and every refusal must be a `JSONParseError` or a
/// 400 `invalid_request_error` with a message.
@Suite struct RequestDecoderFuzzTests {
    static let mutationsPerFixture = 1_100
    static let seed: UInt64 = 0x00C0_FFEE_5EED_2025

    enum Outcome: Hashable {
        case accepted
        case invalidJSON
        case invalidRequest
        case untranslatable
    }

    enum Mutation: CaseIterable {
        case deleteMember, duplicateMember, swapMembers, changeType, deepNesting, randomValue, oddScalar, insertBlock, truncateBytes, flipBytes,
            spliceBytes
    }

    @Test func mutatedClaudeCodeRequestsNeverCrashAndAreRefusedOnlyWith400s() throws {
        let fixtures = try ClaudeCodeFixture.allCases.map { fixture in
            // Long prose (system prompt, descriptions) is cut short: the structure is what is being
            // fuzzed, and smaller documents keep thousands of rounds fast in a debug build.
            Self.shorteningStrings(try loadClaudeCodeFixture(fixture), to: 48)
        }
        let profiles = [ModelCatalog().profile(for: "gpt-4.1"), ModelCatalog().profile(for: "o3")]
        var random = SeededSplitMix64(seed: Self.seed)
        var outcomes: [Outcome: Int] = [:]
        var byMutation: [Mutation: [Outcome: Int]] = [:]
        let clock = ContinuousClock()
        let started = clock.now

        for round in 0..<(Self.mutationsPerFixture * fixtures.count) {
            let original = fixtures[round % fixtures.count]
            let mutation = Mutation.allCases[random.below(Mutation.allCases.count)]
            let bytes = Self.apply(mutation, to: original, random: &random)
            let outcome = Self.check(bytes, profile: profiles[round % profiles.count], round: round, mutation: mutation)
            outcomes[outcome, default: 0] += 1
            byMutation[mutation, default: [:]][outcome, default: 0] += 1
        }

        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let total = outcomes.values.reduce(0, +)
        let accepted = outcomes[.accepted, default: 0]
        print(
            "RequestDecoderFuzz: \(total) mutations in \((seconds * 100).rounded() / 100) s: \(accepted) accepted, \(total - accepted) rejected "
                + "(\(outcomes[.invalidJSON, default: 0]) invalid JSON, \(outcomes[.invalidRequest, default: 0]) invalid requests, "
                + "\(outcomes[.untranslatable, default: 0]) untranslatable)")
        #expect(total >= 3_000)
        #expect(accepted > 0)
        #expect(total - accepted > 0)
        #expect(outcomes[.invalidJSON, default: 0] > 0)
        #expect(outcomes[.invalidRequest, default: 0] > 0)
        #expect(outcomes[.untranslatable, default: 0] > 0)
        // Every kind of mutation ran, and the structural ones also produced requests that decode.
        #expect(byMutation.count == Mutation.allCases.count)
        for mutation in [Mutation.deleteMember, .duplicateMember, .swapMembers, .changeType, .insertBlock] {
            #expect(byMutation[mutation]?[.accepted, default: 0] ?? 0 > 0, "\(mutation) never produced a valid request")
        }
    }

    @Test func theUnmutatedFixturesPassEveryStage() throws {
        for fixture in ClaudeCodeFixture.allCases {
            let bytes = try loadClaudeCodeFixtureBody(fixture)
            #expect(Self.check(bytes, profile: ModelCatalog().profile(for: "gpt-4.1"), round: -1, mutation: nil) == .accepted, "\(fixture)")
        }
    }

    @Test func theGeneratorIsDeterministic() {
        var a = SeededSplitMix64(seed: 42)
        var b = SeededSplitMix64(seed: 42)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        // SplitMix64's published first output for seed 0.
        var zero = SeededSplitMix64(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
    }

    // MARK: - One round

    /// Parse, decode, estimate, translate; asserts that every failure is one the client can be told.
    static func check(_ bytes: [UInt8], profile: ModelProfile, round: Int, mutation: Mutation?) -> Outcome {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            #expect(error.offset >= 0 && error.offset <= bytes.count, "round \(round) \(String(describing: mutation)): \(error)")
            #expect(!error.reason.isEmpty)
            return .invalidJSON
        }
        let request: MessagesRequest
        do {
            request = try MessagesRequest(json: json)
        } catch {
            expectClientError(error, round: round, mutation: mutation)
            return .invalidRequest
        }
        #expect(TokenEstimator.estimate(request) >= 1)
        _ = ToolNameMapping(request: request)
        do {
            let body = try OpenAIChatRequestTranslator(model: "upstream-model", profile: profile).translate(request)
            #expect(body["model"] == "upstream-model")
            #expect(!JSONWriter.encode(body).isEmpty)
        } catch {
            expectClientError(error, round: round, mutation: mutation)
            return .untranslatable
        }
        return .accepted
    }

    static func expectClientError(_ error: AnthropicError, round: Int, mutation: Mutation?) {
        #expect(error.status == 400, "round \(round) \(String(describing: mutation)): \(error)")
        #expect(error.kind == .invalidRequest, "round \(round) \(String(describing: mutation)): \(error)")
        #expect(!error.message.isEmpty, "round \(round) \(String(describing: mutation))")
    }

    // MARK: - Mutations

    static func apply(_ mutation: Mutation, to original: JSONValue, random: inout SeededSplitMix64) -> [UInt8] {
        var value = original
        switch mutation {
        case .deleteMember:
            atRandomContainer(&value, random: &random) { node, random in
                switch node {
                case .object(let object) where !object.isEmpty:
                    var members = object.members
                    members.remove(at: random.below(members.count))
                    node = .object(JSONObject(members))
                case .array(var elements) where !elements.isEmpty:
                    elements.remove(at: random.below(elements.count))
                    node = .array(elements)
                default:
                    node = .null
                }
            }
        case .duplicateMember:
            atRandomContainer(&value, random: &random) { node, random in
                switch node {
                case .object(let object) where !object.isEmpty:
                    var members = object.members
                    let member = members[random.below(members.count)]
                    members.insert(member, at: random.below(members.count + 1))
                    node = .object(JSONObject(members))
                case .array(var elements) where !elements.isEmpty:
                    elements.insert(elements[random.below(elements.count)], at: random.below(elements.count + 1))
                    node = .array(elements)
                default:
                    node = .array([node, node])
                }
            }
        case .swapMembers:
            atRandomContainer(&value, random: &random) { node, random in
                switch node {
                case .object(let object) where object.count > 1:
                    var members = object.members
                    let (i, j) = (random.below(members.count), random.below(members.count))
                    if random.oneIn(2) {
                        members.swapAt(i, j)
                    } else {
                        // Swap the values but keep the keys where they were.
                        (members[i].value, members[j].value) = (members[j].value, members[i].value)
                    }
                    node = .object(JSONObject(members))
                case .array(var elements) where elements.count > 1:
                    elements.swapAt(random.below(elements.count), random.below(elements.count))
                    node = .array(elements)
                default:
                    node = randomValue(depth: 1, random: &random)
                }
            }
        case .changeType:
            atRandomNode(&value, random: &random) { node, random in node = changedType(node, random: &random) }
        case .deepNesting:
            atRandomNode(&value, random: &random) { node, random in
                let depth = [3, 40, 200, 510, 511, 512, 600][random.below(7)]
                for _ in 0..<depth { node = random.oneIn(2) ? .array([node]) : .object(["k": node]) }
            }
        case .randomValue:
            atRandomNode(&value, random: &random) { node, random in node = randomValue(depth: 3, random: &random) }
        case .oddScalar:
            atRandomNode(&value, random: &random) { node, random in node = oddScalars[random.below(oddScalars.count)] }
        case .insertBlock:
            insertBlock(into: &value, random: &random)
        case .truncateBytes:
            let bytes = JSONWriter.encode(value)
            return Array(bytes.prefix(random.below(bytes.count + 1)))
        case .flipBytes:
            var bytes = JSONWriter.encode(value)
            for _ in 0..<(1 + random.below(4)) {
                let index = random.below(bytes.count)
                bytes[index] = random.oneIn(2) ? bytes[index] ^ UInt8(1 << random.below(8)) : UInt8(truncatingIfNeeded: random.next())
            }
            return bytes
        case .spliceBytes:
            var bytes = JSONWriter.encode(value)
            let start = random.below(bytes.count)
            let end = min(bytes.count, start + random.below(64))
            let insert = (0..<random.below(8)).map { _ in spliceBytes[random.below(spliceBytes.count)] }
            bytes.replaceSubrange(start..<end, with: insert)
            return bytes
        }
        return JSONWriter.encode(value)
    }

    /// Content blocks of every kind, valid for the decoder, several of which no role or upstream takes.
    static let blockTemplates: [JSONValue] = [
        ["type": "text", "text": "more"],
        ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="]],
        ["type": "image", "source": ["type": "url", "url": "https://example.com/a.png"]],
        ["type": "image", "source": ["type": "text", "data": "not an image"]],
        ["type": "document", "source": ["type": "base64", "media_type": "application/pdf", "data": "JVBERi0="], "title": "Spec"],
        ["type": "document", "source": ["type": "base64", "media_type": "text/csv", "data": "YSxi"]],
        ["type": "document", "source": ["type": "url", "url": "https://example.com/a.pdf"]],
        ["type": "document", "source": ["type": "text", "data": "plain"]],
        ["type": "tool_use", "id": "toolu_fuzz", "name": "Bash", "input": ["command": "ls"]],
        ["type": "tool_result", "tool_use_id": "toolu_fuzz", "content": [["type": "image", "source": ["type": "url", "url": "https://x/y.png"]]]],
        ["type": "tool_result", "tool_use_id": "toolu_fuzz", "is_error": true, "content": "failed"],
        ["type": "thinking", "thinking": "hmm", "signature": "sig"],
        ["type": "redacted_thinking", "data": "opaque"],
    ]

    /// Inserts a block into a random message's content, sometimes changing the message's role.
    static func insertBlock(into value: inout JSONValue, random: inout SeededSplitMix64) {
        guard case .object(var body) = value, case .array(var messages)? = body["messages"], !messages.isEmpty else { return }
        let index = random.below(messages.count)
        guard case .object(var message) = messages[index] else { return }
        var content: [JSONValue]
        switch message["content"] {
        case .array(let blocks)?: content = blocks
        case .string(let text)?: content = [["type": "text", "text": .string(text)]]
        default: content = []
        }
        content.insert(blockTemplates[random.below(blockTemplates.count)], at: random.below(content.count + 1))
        message["content"] = .array(content)
        if random.oneIn(3) { message["role"] = .string(["user", "assistant", "system"][random.below(3)]) }
        messages[index] = .object(message)
        body["messages"] = .array(messages)
        value = .object(body)
    }

    /// Bytes that mean something to a JSON parser.
    static let spliceBytes = Array(#"{}[]",:0-9eE.\u tfn"#.utf8)

    static let oddScalars: [JSONValue] = [
        .number("0"), .number("-1"), .number("1e400"), .number("-1e400"), .number("1.5"), .number("99999999999999999999"), .number("-0"),
        .number("4096.0"), .number("1e-400"), .string(""), .string("\u{0}"), .string("😀\u{FFFD}\u{2028}"), .string(String(repeating: "x", count: 70)),
        .string("tool_use"), .string("tool_result"), .string("image"), .string("system"), .string("assistant"), .string("text"), .string("enabled"),
        .bool(true), .bool(false), .null, .array([]), .object([:]),
    ]

    /// Walks down from the root, stopping at each container with probability 1/4, and applies the change there.
    static func atRandomNode(
        _ value: inout JSONValue, random: inout SeededSplitMix64, containersOnly: Bool = false,
        _ change: (inout JSONValue, inout SeededSplitMix64) -> Void
    ) {
        switch value {
        case .object(let object) where !object.isEmpty && !random.oneIn(4):
            let index = random.below(object.count)
            var child = object.members[index].value
            if containersOnly, child.arrayValue == nil, child.objectValue == nil {
                change(&value, &random)
                return
            }
            atRandomNode(&child, random: &random, containersOnly: containersOnly, change)
            var members = object.members
            members[index].value = child
            value = .object(JSONObject(members))
        case .array(var elements) where !elements.isEmpty && !random.oneIn(4):
            let index = random.below(elements.count)
            var child = elements[index]
            if containersOnly, child.arrayValue == nil, child.objectValue == nil {
                change(&value, &random)
                return
            }
            atRandomNode(&child, random: &random, containersOnly: containersOnly, change)
            elements[index] = child
            value = .array(elements)
        default:
            change(&value, &random)
        }
    }

    static func atRandomContainer(_ value: inout JSONValue, random: inout SeededSplitMix64, _ change: (inout JSONValue, inout SeededSplitMix64) -> Void) {
        atRandomNode(&value, random: &random, containersOnly: true, change)
    }

    /// The same place, holding a value of another JSON type.
    static func changedType(_ value: JSONValue, random: inout SeededSplitMix64) -> JSONValue {
        switch (value, random.below(3)) {
        case (.string(let text), 0): return .number(text.utf8.count.description)
        case (.string, 1): return .null
        case (.string(let text), _): return .array([.string(text)])
        case (.number(let text), 0): return .string(text)
        case (.number, 1): return .null
        case (.number(let text), _): return .object(["value": .number(text)])
        case (.null, 0): return .string("null")
        case (.null, 1): return .number("0")
        case (.null, _): return .array([])
        case (.bool(let flag), 0): return .string(flag ? "true" : "false")
        case (.bool(let flag), 1): return .number(flag ? "1" : "0")
        case (.bool, _): return .null
        case (.array(let elements), 0): return .object(JSONObject(elements.enumerated().map { (key: String($0.offset), value: $0.element) }))
        case (.array(let elements), 1): return elements.first ?? .null
        case (.array(let elements), _): return .string(JSONWriter.string(.array(elements)))
        case (.object(let object), 0): return .array(object.members.map(\.value))
        case (.object(let object), 1): return .string(JSONWriter.string(.object(object)))
        case (.object, _): return .number("1")
        }
    }

    static func randomValue(depth: Int, random: inout SeededSplitMix64) -> JSONValue {
        let keys = ["type", "text", "content", "role", "name", "input", "id", "source", "tool_use_id", "x"]
        switch random.below(depth > 0 ? 8 : 5) {
        case 0: return .null
        case 1: return .bool(random.oneIn(2))
        case 2: return .number(String(Int64(truncatingIfNeeded: random.next()) >> random.below(64)))
        case 3: return .string(["", "text", "user", "a\"b\\c\n", "é😀", "tool_use"][random.below(6)])
        case 4: return .number(["0.5", "-2.25e3", "1E+2", "0"][random.below(4)])
        case 5, 6:
            return .object(JSONObject((0..<random.below(4)).map { _ in (key: keys[random.below(keys.count)], value: randomValue(depth: depth - 1, random: &random)) }))
        default:
            return .array((0..<random.below(4)).map { _ in randomValue(depth: depth - 1, random: &random) })
        }
    }

    /// Every string longer than `limit` bytes cut to its first `limit` characters.
    static func shorteningStrings(_ value: JSONValue, to limit: Int) -> JSONValue {
        switch value {
        case .string(let text) where text.utf8.count > limit: return .string(String(text.prefix(limit)))
        case .array(let elements): return .array(elements.map { shorteningStrings($0, to: limit) })
        case .object(let object): return .object(JSONObject(object.members.map { (key: $0.key, value: shorteningStrings($0.value, to: limit)) }))
        default: return value
        }
    }
}
