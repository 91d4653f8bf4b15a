import Synchronization

/// What a translator wrote for each message of a conversation, kept for the next turn. Claude
/// Code resends the whole conversation every turn; where a message's translation depends only on
/// the message and on the request's `context` (the protocol, and what of the model and the server
/// it reads), a later turn copies the bytes written for it instead of translating and writing it
/// again. A kept message must be identical to the byte (`ContentBlock.isIdentical`), whatever its
/// position: a rewind, an edit, a compaction or a moved `cache_control` breakpoint (which no
/// translation here writes) only changes which messages are found.
///
/// A conversation's messages are kept from its second turn on: its first turn, which may be its
/// only one (a one-off request, or one made new each time), is written straight into the body,
/// without writing each message apart and keeping it (at 4 MB, about 7% of a first turn's CPU time).
///
/// A message reused from a conversation `ConversationPrefixCache` kept carries what it was
/// written as in its decoding (`DecodedMessage`), found without a lookup; the entries here serve
/// the messages parsed again, which are few a turn (the one a moved breakpoint changed, those
/// after an edit), so this cache can be much smaller than the conversations'.
///
/// Bounded by bytes: a fragment counts twice, for the message kept beside it, whose strings
/// outlive their conversation in `ConversationPrefixCache`; when over, the least recently used
/// entries go until a quarter of the bound is free.
package final class TranslatedMessageCache: Sendable {
    /// A message and what it was written as, in its context.
    private struct Written: Sendable {
        let message: MessagesRequest.Message
        let context: String
        let fragment: [UInt8]
        /// The fragment counts twice, for the message kept beside it.
        var cost: Int { 2 * fragment.count }
    }

    /// How many conversations' openings are remembered, the least recently seen forgotten first.
    private static let maximumOpenings = 4096

    package let maximumBytes: Int
    private let state: Mutex<RecencyBoundedEntries<Int, Written>>
    /// The conversations translated before, each by its context and first message (the entry's
    /// key), so that a later turn of one is known.
    private let openings = Mutex(RecencyBoundedEntries<Int, Void>(maximumCost: maximumOpenings))

    package init(maximumBytes: Int = 64 << 20) {
        self.maximumBytes = maximumBytes
        state = Mutex(RecencyBoundedEntries(maximumCost: maximumBytes))
    }

    /// Compact JSON for `body` whose array member `key` goes on with what `request`'s messages translate to,
    /// as `translate` gives each message's values at its index: taken from here for a message kept
    /// from an earlier turn of its conversation, else translated (and kept, from the
    /// conversation's second turn on). The bytes are the same either way.
    package func encode(
        _ body: JSONObject, appendingMessagesOf request: MessagesRequest, toArrayAt key: String, context: String, reusing strings: JSONStringEscapes,
        translate: (Int, MessagesRequest.Message) throws(AnthropicError) -> [JSONValue]
    ) throws(AnthropicError) -> WrittenJSON {
        guard keepsMessages(of: request, context: context) else {
            return WrittenJSON(JSONWriter.encode(.object(try Self.translated(body, appending: request.messages, toArrayAt: key, translate: translate)), reusing: strings))
        }
        return JSONWriter.encode(body, appending: try fragments(of: request, context: context, translate: translate), toArrayAt: key, reusing: strings)
    }

    /// `body` whose array member `key` goes on with what `messages` translate to, in order, as
    /// `translate` gives each message's values at its index: the whole request, nothing kept.
    package static func translated(
        _ body: JSONObject, appending messages: [MessagesRequest.Message], toArrayAt key: String,
        translate: (Int, MessagesRequest.Message) throws(AnthropicError) -> [JSONValue]
    ) throws(AnthropicError) -> JSONObject {
        var body = body
        var values = body[key]?.arrayValue ?? []
        for (index, message) in messages.enumerated() { values += try translate(index, message) }
        body[key] = .array(values)
        return body
    }

    /// Whether the messages of `request` are written one by one and kept: when the conversation
    /// they open was translated in `context` before. It is remembered as translated now.
    package func keepsMessages(of request: MessagesRequest, context: String) -> Bool {
        guard let first = request.messages.first else { return false }
        let opening = Self.key(first, context: context)
        return openings.withLock { openings in
            if openings.use(opening) != nil { return true }
            openings.keep((), cost: 1, for: opening)
            openings.evictIfOver()
            return false
        }
    }

    /// The JSON each message of `request` translates to in `context` (see `fragment(of:at:context:translate:)`).
    private func fragments(
        of request: MessagesRequest, context: String, translate: (Int, MessagesRequest.Message) throws(AnthropicError) -> [JSONValue]
    ) throws(AnthropicError) -> [[UInt8]] {
        var fragments: [[UInt8]] = []
        fragments.reserveCapacity(request.messages.count)
        for (index, message) in request.messages.enumerated() {
            fragments.append(try fragment(of: request, at: index, context: context) { () throws(AnthropicError) in try translate(index, message) })
        }
        return fragments
    }

    /// The JSON the message at `index` of `request` translates to in `context`: the values
    /// `translate` gives, comma-separated (nothing for none). Taken from the message's decoding
    /// when it carries one written in `context` (a message reused from a kept conversation:
    /// nothing to look up), else from here, else translated, written and kept here (its long
    /// strings here only, not in `JSONStringEscapes` too); the decoding keeps what it is.
    package func fragment(
        of request: MessagesRequest, at index: Int, context: String, translate: () throws(AnthropicError) -> [JSONValue]
    ) throws(AnthropicError) -> [UInt8] {
        let decoded = request.decodedMessages?[index]
        if let fragment = decoded?.translation(in: context) { return fragment }
        let message = request.messages[index]
        let key = Self.key(message, context: context)
        let fragment: [UInt8]
        if let kept = state.withLock({ $0.use(key) }), kept.context.hasSameUTF8(as: context), Self.isIdentical(kept.message, message) {
            fragment = kept.fragment
        } else {
            fragment = Self.written(try translate())
            keep(Written(message: message, context: context, fragment: fragment), for: key)
        }
        decoded?.keep(fragment, in: context)
        return fragment
    }

    /// `values`, comma-separated. Kept for many turns: in a block of its own size, not one doubled
    /// to it with room to spare.
    private static func written(_ values: [JSONValue]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: values.reduce(0) { $0 + JSONWriter.encodedCount($1) + 1 })
        for (position, value) in values.enumerated() {
            if position > 0 { writer.append(raw: CollectionOfOne(UInt8(ascii: ","))) }
            writer.write(value)
        }
        return writer.bytes
    }

    /// How many messages are kept, and what they cost, for tests.
    package var usage: (messages: Int, cost: Int) {
        state.withLock { ($0.count, $0.cost) }
    }

    private func keep(_ written: Written, for key: Int) {
        guard written.cost <= maximumBytes else { return }
        state.withLock { entries in
            entries.keep(written, cost: written.cost, for: key)
            entries.evictIfOver()
        }
    }

    private static func isIdentical(_ a: MessagesRequest.Message, _ b: MessagesRequest.Message) -> Bool {
        a.role == b.role && a.content.count == b.content.count && zip(a.content, b.content).allSatisfy { $0.isIdentical(to: $1) }
    }

    /// Where a message is kept: its context, role and blocks, each string by its length and outer
    /// bytes (a tool result of tens of kilobytes is not hashed whole; a hit is compared in full).
    private static func key(_ message: MessagesRequest.Message, context: String) -> Int {
        var hasher = Hasher()
        hasher.combine(context)
        hasher.combine(message.role)
        hasher.combine(message.content.count)
        for block in message.content { sample(block, into: &hasher) }
        return hasher.finalize()
    }

    private static func sample(_ block: ContentBlock, into hasher: inout Hasher) {
        switch block {
        case .text(let text), .redactedThinking(let text):
            sample(text, into: &hasher)
        case .thinking(let text, let signature):
            sample(text, into: &hasher)
            sample(signature, into: &hasher)
        case .toolUse(let id, let name, _), .serverToolUse(let id, let name, _):
            sample(id, into: &hasher)
            sample(name, into: &hasher)
        case .toolResult(let id, let content, let isError):
            sample(id, into: &hasher)
            hasher.combine(isError)
            for inner in content { sample(inner, into: &hasher) }
        case .image, .document, .citedText, .webSearchToolResult, .compaction:
            hasher.combine(0)
        }
    }

    private static func sample(_ text: String, into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            hasher.combine(bytes.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes.prefix(32)))
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes.suffix(32)))
        }
    }
}
