import Synchronization

/// Recent conversations as parsed: for each, the bytes of every element of a request's `messages`
/// array and the value they parsed to. Claude Code resends the whole conversation every turn, so
/// all but the last few elements of a request are the previous request's, byte for byte;
/// `JSONParser.parse(_:reusing:conversations:)` takes those from here instead of parsing them
/// again, and parses what changed (the new turn, the message a `cache_control` breakpoint moved
/// off, an edit or a rewind, and everything after it) as always. A hit needs an element's bytes to
/// be identical to bytes that parsed before, so its value is exactly what parsing would give.
///
/// A conversation is known by its first two elements (a session's first prompt and the reply to
/// it), which parse as usual. Bounded by conversations and by bytes: each kept byte counts three
/// times, for the value it parsed to and for what later steps keep beside it (a message as
/// translated is about as long as its JSON); the least recently used conversation goes first.
package final class ConversationPrefixCache: Sendable {
    /// One element of a `messages` array: its exact bytes and the value they parse to.
    package struct Element: Sendable {
        let bytes: [UInt8]
        let value: JSONValue
        /// What later steps made of `value`, reused with it.
        let derived = DerivedValue()

        /// Whether `source` begins with these bytes. Only strings, arrays and objects are kept,
        /// and each ends at its own closing character, so such bytes parse to this value whatever follows.
        func begins(_ source: UnsafeRawBufferPointer) -> Bool {
            bytes.isPrefix(of: source)
        }

        /// Whether a value that begins with `first` is kept: not a number or a literal, whose end
        /// the bytes alone do not mark.
        static func isKept(first: UInt8) -> Bool {
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == UInt8(ascii: "\"")
        }
    }

    private struct Conversation {
        var elements: [Element]
        /// What keeping it costs: its bytes, three times.
        var cost: Int
    }

    private struct State {
        var conversations: [Int: Conversation] = [:]
        /// Keys, least recently used first.
        var recency: [Int] = []
        var cost = 0

        mutating func touch(_ key: Int) {
            if let index = recency.firstIndex(of: key) { recency.remove(at: index) }
            recency.append(key)
        }
    }

    /// What a kept byte costs: itself, the value it parsed to, and what later steps derive from it.
    static let costPerByte = 3

    package let maximumConversations: Int
    package let maximumBytes: Int
    private let state = Mutex(State())
    private let reused = Atomic<Int>(0)

    /// - Parameters:
    ///   - maximumConversations: how many conversations are kept.
    ///   - maximumBytes: what they may cost together (a conversation's bytes count three times);
    ///     a larger one is not kept.
    package init(maximumConversations: Int = 64, maximumBytes: Int = 128 << 20) {
        self.maximumConversations = maximumConversations
        self.maximumBytes = maximumBytes
    }

    /// The kept elements of the conversation that opens with `opening` (the first two elements,
    /// whose bytes must match the kept ones), and the key to store it under again.
    func conversation(opening first: Element, _ second: Element) -> (key: Int, elements: [Element]) {
        let key = Self.key(first.bytes, second.bytes)
        return state.withLock { state in
            guard let kept = state.conversations[key], kept.elements.count >= 2, kept.elements[0].bytes == first.bytes,
                kept.elements[1].bytes == second.bytes
            else { return (key, []) }
            state.touch(key)
            return (key, kept.elements)
        }
    }

    /// Keeps a conversation's elements under `key`, in place of what was kept there, of which
    /// `reusedBytes` were taken from it rather than parsed.
    func store(_ elements: [Element], key: Int, reusedBytes: Int) {
        reused.add(reusedBytes, ordering: .relaxed)
        let cost = Self.costPerByte * elements.reduce(0) { $0 + $1.bytes.count }
        guard cost <= maximumBytes, maximumConversations > 0 else { return }
        state.withLock { state in
            state.cost += cost - (state.conversations[key]?.cost ?? 0)
            state.conversations[key] = Conversation(elements: elements, cost: cost)
            state.touch(key)
            while state.recency.count > maximumConversations || state.cost > maximumBytes {
                let evicted = state.recency.removeFirst()
                state.cost -= state.conversations.removeValue(forKey: evicted)?.cost ?? 0
            }
        }
    }

    /// How many bytes of requests were taken from kept conversations rather than parsed, in all.
    package var reusedBytes: Int {
        reused.load(ordering: .relaxed)
    }

    /// How many conversations are kept, and what they cost, for tests.
    package var usage: (conversations: Int, cost: Int) {
        state.withLock { ($0.conversations.count, $0.cost) }
    }

    /// A conversation's key: its opening's length and outer bytes (a long first prompt is not
    /// hashed whole; the bytes themselves are compared on a hit).
    private static func key(_ first: [UInt8], _ second: [UInt8]) -> Int {
        var hasher = Hasher()
        for part in [first, second] {
            hasher.combine(part.count)
            part.withUnsafeBytes { bytes in
                hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes.prefix(2048)))
                hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes.suffix(2048)))
            }
        }
        return hasher.finalize()
    }
}
