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
    private var parser = SSEParser()
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
        parser = SSEParser()
    }

    /// Takes in bytes the stream writes; returns those the client gets in their place.
    package mutating func pass(_ bytes: [UInt8]) -> [UInt8] {
        guard !declined else { return [] }
        passes += 1
        var out: [UInt8] = []
        for event in parser.feed(bytes) where !declined {
            out += pass(event)
        }
        return out
    }

    /// What the client is still owed once the stream has ended: a stream that never opened
    /// (an error before any block) opens now.
    package mutating func finish() -> [UInt8] {
        declined ? [] : open()
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

    private mutating func pass(_ event: SSEEvent) -> [UInt8] {
        let name = event.event ?? "message"
        switch name {
        case "message_start":
            start = try? JSONParser.parse(event.data)
            startPass = passes
            return []
        case "content_block_delta" where indexShift == 0:
            // The first stream's deltas pass as they are: only its blocks' starts and stops are counted.
            return open() + Self.frame(event)
        case "content_block_start", "content_block_delta", "content_block_stop":
            guard var json = try? JSONParser.parse(event.data), case .object(var object) = json, let index = object["index"]?.intValue else {
                return open() + Self.frame(event)
            }
            let shifted = index + indexShift
            if name == "content_block_start" {
                openBlocks.append(shifted)
                nextIndex = max(nextIndex, shifted + 1)
            } else if name == "content_block_stop" {
                openBlocks.removeAll { $0 == shifted }
            }
            guard indexShift != 0 else { return open() + Self.frame(event) }
            object["index"] = .int(shifted)
            json = .object(object)
            return open() + Self.frame(name, json)
        case "message_delta":
            guard let json = try? JSONParser.parse(event.data), case .object(var object) = json else { return open() + Self.frame(event) }
            let refusal = RefusalFallbackChain.declines(json)
            if refusal, fallbackFollows { return decline(object) }
            guard !isFirst else { return open() + Self.frame(event) }
            object["usage"] = chain.servingUsage(Self.usage(object["usage"], backedBy: start), model: model)
            if refusal, var delta = object["delta"]?.objectValue {
                delta["stop_details"] = RefusalFallbackChain.stopDetails(delta["stop_details"], recommending: nil)
                object["delta"] = .object(delta)
            }
            return open() + Self.frame(name, .object(object))
        default:
            guard opened || start == nil || passes != startPass else {
                held += Self.frame(event)
                return []
            }
            return open() + Self.frame(event)
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
        Array("event: \(name)\ndata: ".utf8) + JSONWriter.encode(json) + Array("\n\n".utf8)
    }

    /// An event as it came (its data may be several lines).
    private static func frame(_ event: SSEEvent) -> [UInt8] {
        var text = event.event.map { "event: \($0)\n" } ?? ""
        for line in event.data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
        return Array((text + "\n").utf8)
    }
}
