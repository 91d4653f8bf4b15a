/// Makes one message of the streams of a `fallbacks` chain, as Anthropic's server-side fallback
/// streams it. Each attempt's stream (already Anthropic events, from any backend) passes through
/// here on its way to the client:
/// - The first passes as it is until it ends in a refusal that a fallback may take over: its open
///   blocks are closed, and its `message_delta` and `message_stop` are kept back.
/// - Each later one is spliced on: its `message_start` is left out when the client already has
///   one, its blocks are numbered on from the last, a `fallback` block goes before them, and its
///   `message_delta` carries the chain's `usage.iterations`.
/// - A stream's `message_start` (and a ping written with it) waits for its first block, or for a
///   later ping while the model thinks, which the client must not wait for: a refusal before
///   either leaves no trace, and the fallback's `message_start` opens the client's stream instead.
/// - When no fallback answers, the last refusal is replayed (`unanswered`).
package struct RefusalFallbackSplice: Sendable {
    private var chain: RefusalFallbackChain
    /// The start of an event not yet whole.
    private var pending: [UInt8] = []
    /// Where the next block goes in the client's message.
    private var nextIndex = 0
    /// Whether the client has a `message_start` (after which it may be sent pings).
    package private(set) var clientHasStart = false
    /// `fallback` blocks for boundaries whose stream has not opened yet.
    private var pendingBoundaries: [[UInt8]] = []
    /// The last refusal taken over, replayed by `unanswered`.
    private var lastRefusal: JSONObject?
    private var lastStart: JSONValue?

    // The stream passing now.
    /// The model whose stream it is (the label its iteration carries).
    private var model: String
    /// Whether a fallback may take over when it declines.
    private var fallbackFollows: Bool
    /// How far its block indices move: 0 for the first stream.
    private var indexShift = 0
    private var isFirst = true
    private var opened = false
    private var start: JSONValue?
    /// Events written with the held `message_start`, held with it.
    private var held: [UInt8] = []
    /// Counts `pass(_:)` calls: what comes in the call that brought the `message_start` came with it.
    private var passes = 0
    private var startPass = 0
    private var openBlocks: [Int] = []
    /// Set when it ended in a refusal that a fallback takes over.
    package private(set) var declined = false

    /// - Parameters:
    ///   - requestedModel: the model the client asked for, as it spelled it.
    ///   - fallbackFollows: whether the chain has a fallback to try.
    package init(requestedModel: String, fallbackFollows: Bool) {
        chain = RefusalFallbackChain(requestedModel: requestedModel)
        model = requestedModel
        self.fallbackFollows = fallbackFollows
    }

    /// The next stream, from `model`, whose request was taken: it follows a boundary.
    package mutating func begin(_ model: String, fallbackFollows: Bool) {
        let index = nextIndex
        nextIndex += 1
        let block = chain.boundary(to: model)
        pendingBoundaries.append(Self.frame("content_block_start", ["type": "content_block_start", "index": .int(index), "content_block": block]))
        pendingBoundaries.append(Self.frame("content_block_stop", ["type": "content_block_stop", "index": .int(index)]))
        self.model = model
        self.fallbackFollows = fallbackFollows
        indexShift = nextIndex
        isFirst = false
        opened = false
        start = nil
        held = []
        openBlocks = []
        declined = false
        pending = []
    }

    /// Takes in bytes the stream writes; returns those the client gets in their place. Events pass
    /// as they came unless they must change: only block starts and stops, a stream's opening and
    /// its end are read (and every event of a later stream, whose blocks are numbered on).
    package mutating func pass(_ bytes: [UInt8]) -> [UInt8] {
        guard !declined else { return [] }
        passes += 1
        let buffer = pending.isEmpty ? bytes : pending + bytes
        var out: [UInt8] = []
        var eventStart = 0
        while !declined, let eventEnd = SSEParser.endOfEvent(in: buffer, from: eventStart) {
            out += pass(event: buffer[eventStart..<eventEnd])
            eventStart = eventEnd
        }
        pending = declined ? [] : Array(buffer[eventStart...])
        return out
    }

    /// What the client is still owed once the stream has ended: a stream that never opened
    /// (an error before any block) opens now, and a last event without its blank line passes.
    package mutating func finish() -> [UInt8] {
        guard !declined else { return [] }
        defer { pending = [] }
        return open() + pending
    }

    /// The last refusal, replayed when no fallback answered: the client's stream ends with it.
    /// - Parameter recommendedModel: a fallback that was too busy to ask (the client may ask it later).
    package func unanswered(recommending recommendedModel: String?) -> [UInt8] {
        var out: [UInt8] = []
        if !clientHasStart, let lastStart { out += Self.frame("message_start", lastStart) }
        out += pendingBoundaries.joined()
        var event = lastRefusal ?? ["type": "message_delta", "delta": ["stop_reason": "refusal", "stop_sequence": .null]]
        var delta = event["delta"]?.objectValue ?? [:]
        delta["stop_details"] = RefusalFallbackChain.stopDetails(delta["stop_details"], recommending: recommendedModel)
        event["delta"] = .object(delta)
        event["usage"] = chain.unansweredUsage(event["usage"])
        out += Self.frame("message_delta", .object(event))
        out += Self.frame("message_stop", ["type": "message_stop"])
        return out
    }

    /// One whole event, as it came (its blank line included).
    private mutating func pass(event raw: ArraySlice<UInt8>) -> [UInt8] {
        let name = Self.passingName(raw)
        if name == "content_block_delta", indexShift == 0 {
            // The first stream's deltas pass as they are: only its blocks' starts and stops are counted.
            return open() + raw
        }
        guard let name else {
            guard opened || start == nil || passes != startPass else {
                held += raw
                return []
            }
            return open() + raw
        }
        var parser = SSEParser()
        guard let event = (parser.feed(raw) + parser.finish()).first, let json = try? JSONParser.parse(event.data) else { return open() + raw }
        return pass(name, json, raw: raw)
    }

    private mutating func pass(_ name: String, _ json: JSONValue, raw: ArraySlice<UInt8>) -> [UInt8] {
        switch name {
        case "message_start":
            start = json
            startPass = passes
            return []
        case "content_block_start", "content_block_delta", "content_block_stop":
            guard case .object(var object) = json, let index = object["index"]?.intValue else { return open() + raw }
            let shifted = index + indexShift
            if name == "content_block_start" {
                openBlocks.append(shifted)
                nextIndex = max(nextIndex, shifted + 1)
            } else if name == "content_block_stop" {
                openBlocks.removeAll { $0 == shifted }
            }
            guard indexShift != 0 else { return open() + raw }
            object["index"] = .int(shifted)
            return open() + Self.frame(name, .object(object))
        case "message_delta":
            guard case .object(var object) = json else { return open() + raw }
            let refusal = RefusalFallbackChain.declines(json)
            if refusal, fallbackFollows { return decline(object) }
            guard !isFirst else { return open() + raw }
            object["usage"] = chain.servingUsage(Self.usage(object["usage"], backedBy: start), model: model)
            if refusal, var delta = object["delta"]?.objectValue {
                delta["stop_details"] = RefusalFallbackChain.stopDetails(delta["stop_details"], recommending: nil)
                object["delta"] = .object(delta)
            }
            return open() + Self.frame(name, .object(object))
        default:
            return open() + raw
        }
    }

    /// The stream declined and a fallback takes over: its open blocks close, its end is kept back.
    private mutating func decline(_ event: JSONObject) -> [UInt8] {
        declined = true
        let usage = Self.usage(event["usage"], backedBy: start)
        chain.declined(model: model, usage: usage, stopDetails: event["delta"]?["stop_details"])
        var kept = event
        kept["usage"] = usage
        lastRefusal = kept
        if let start { lastStart = start }
        let closing = openBlocks.map { Self.frame("content_block_stop", ["type": "content_block_stop", "index": .int($0)]) }.joined()
        openBlocks = []
        held = []
        return Array(closing)
    }

    /// The stream's output begins: its `message_start` (when the client has none), the
    /// boundaries before it, and what came with the `message_start`.
    private mutating func open() -> [UInt8] {
        guard !opened else { return [] }
        opened = true
        var out: [UInt8] = []
        if !clientHasStart, let start {
            out += Self.frame("message_start", start)
            clientHasStart = true
        }
        out += pendingBoundaries.joined() + held
        pendingBoundaries = []
        held = []
        return out
    }

    /// A `message_delta`'s usage with what only the `message_start` said (the prompt's counts).
    private static func usage(_ usage: JSONValue?, backedBy start: JSONValue?) -> JSONValue {
        var object = start?["message"]?["usage"]?.objectValue ?? [:]
        for (key, value) in usage?.objectValue?.members ?? [] where !value.isNull { object[key] = value }
        return .object(object)
    }

    private static func frame(_ name: String, _ json: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.writeEvent(named: name, data: json)
        return writer.bytes
    }

    /// The events the splice reads, by the line that names them (`event: NAME`).
    private static let readEvents = ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta"].map { name in
        (name, Array("event: \(name)".utf8))
    }

    /// The name of an event the splice reads; nil for the others (pings, errors, `message_stop`),
    /// which pass as they are.
    private static func passingName(_ raw: ArraySlice<UInt8>) -> String? {
        for (name, line) in readEvents where raw.starts(with: line) {
            let after = raw.index(raw.startIndex, offsetBy: line.count)
            if after < raw.endIndex, raw[after] == 0x0A || raw[after] == 0x0D { return name }
        }
        return nil
    }
}
