/// What a reply served through `fallbacks` says of the models that declined before it, as
/// Anthropic's server-side fallback says it: a `fallback` block at each boundary (from the model
/// that declined, to the one that answers next), and `usage.iterations` with a `message` entry for
/// each reply that declined and a `fallback_message` entry for the one that completed the turn.
/// Whole replies and streams (`RefusalFallbackSplice`) keep their chain in one of these.
package struct RefusalFallbackChain: Sendable {
    /// The model the next boundary hands over from: the model the client asked for (as it spelled
    /// it), then each fallback's.
    private var fromModel: String
    /// The policy category of the last refusal (null: the proxy's upstreams name none).
    private var category: JSONValue = .null
    /// The `message` entries of the replies that declined, in order.
    package private(set) var iterations: [JSONValue] = []

    package init(requestedModel: String) {
        fromModel = requestedModel
    }

    /// Whether a whole reply (or a stream's `message_delta`) declined.
    package static func declines(_ reply: JSONValue) -> Bool {
        (reply["stop_reason"] ?? reply["delta"]?["stop_reason"])?.stringValue == "refusal"
    }

    /// Whether a whole reply's bytes may hold a refusal: only those are read (`declines(_:)`).
    package static func mayDecline(_ reply: [UInt8]) -> Bool {
        let token = Array(#""refusal""#.utf8)
        guard reply.count >= token.count else { return false }
        for start in 0...(reply.count - token.count) where reply[start] == 0x22 && reply[start..<(start + token.count)].elementsEqual(token) {
            return true
        }
        return false
    }

    /// Takes in a reply of `model` that declined: its usage and its `stop_details`.
    package mutating func declined(model: String, usage: JSONValue?, stopDetails: JSONValue?) {
        category = stopDetails?["category"] ?? .null
        let reported = usage?["iterations"]?.arrayValue ?? []
        guard reported.count > 1 else {
            iterations.append(Self.iteration("message", model: model, usage: reported.first ?? usage))
            return
        }
        // A reply of several steps (a compaction first) keeps its entries; each declined.
        iterations += reported.map { entry in Self.retyped(entry, "message", model: nil) }
    }

    /// The `fallback` block where the reply passes to `model`.
    package mutating func boundary(to model: String) -> JSONValue {
        let block: JSONValue = [
            "type": "fallback", "from": ["model": .string(fromModel)], "to": ["model": .string(model)],
            "trigger": ["type": "refusal", "category": category],
        ]
        fromModel = model
        return block
    }

    /// The usage of the reply that ends the turn, made by `model`: its own counts, with the
    /// chain's iterations, its own last one (the one that completed the turn) as `fallback_message`.
    package func servingUsage(_ usage: JSONValue?, model: String) -> JSONValue {
        var object = usage?.objectValue ?? [:]
        let reported = object["iterations"]?.arrayValue ?? []
        let serving = reported.last.map { Self.retyped($0, "fallback_message", model: model) } ?? Self.iteration("fallback_message", model: model, usage: usage)
        object["iterations"] = .array(iterations + reported.dropLast() + [serving])
        return .object(object)
    }

    /// The usage of the last refusal, replayed when no fallback answered: the chain's iterations.
    package func unansweredUsage(_ usage: JSONValue?) -> JSONValue {
        var object = usage?.objectValue ?? [:]
        object["iterations"] = .array(iterations)
        return .object(object)
    }

    /// A declined reply's `stop_details` with `recommended_model` (a fallback that could not be
    /// asked because it was busy: the client may ask it itself later; else null).
    package static func stopDetails(_ details: JSONValue?, recommending model: String?) -> JSONValue {
        var object = details?.objectValue ?? ["type": "refusal", "category": .null, "explanation": .null]
        object["recommended_model"] = model.map(JSONValue.string) ?? .null
        return .object(object)
    }

    /// The whole reply that ends the turn: `reply`, made by `model`, after `boundaries`, with the
    /// chain's usage; nil `model` for the last refusal, replayed because no fallback answered,
    /// which recommends `recommendedModel`.
    package func wholeReply(_ reply: JSONValue, by model: String?, boundaries: [JSONValue], recommending recommendedModel: String? = nil) -> JSONValue {
        guard var message = reply.objectValue else { return reply }
        message["content"] = .array(boundaries + (message["content"]?.arrayValue ?? []))
        message["usage"] = model.map { servingUsage(message["usage"], model: $0) } ?? unansweredUsage(message["usage"])
        if Self.declines(reply) { message["stop_details"] = Self.stopDetails(message["stop_details"], recommending: recommendedModel) }
        return .object(message)
    }

    private static func iteration(_ type: String, model: String, usage: JSONValue?) -> JSONValue {
        let count = { (key: String) -> JSONValue in .int(usage?[key]?.intValue ?? 0) }
        return [
            "type": .string(type), "model": .string(model), "input_tokens": count("input_tokens"), "output_tokens": count("output_tokens"),
            "cache_read_input_tokens": count("cache_read_input_tokens"), "cache_creation_input_tokens": count("cache_creation_input_tokens"),
            "cache_creation": usage?["cache_creation"] ?? .null,
        ]
    }

    /// A reported iteration as `type`, naming `model` when it names none.
    private static func retyped(_ entry: JSONValue, _ type: String, model: String?) -> JSONValue {
        var object = entry.objectValue ?? [:]
        object["type"] = .string(type)
        if object["model"]?.stringValue == nil, let model { object["model"] = .string(model) }
        return .object(object)
    }
}
