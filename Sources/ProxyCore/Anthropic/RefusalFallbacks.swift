/// A request's `fallbacks` (server-side fallback, beta `server-side-fallback-2026-07-01`), or the
/// proxy's own (`REFUSAL_FALLBACKS`): the models that answer in turn when the requested one
/// declines (`stop_reason: "refusal"`). Every upstream can decline (OpenAI's content filter and
/// refusals, Gemini's safety stops), so the proxy runs the chain itself for every upstream but
/// Anthropic, which runs a client's on its own; `RefusalFallbackChain` says what the reply then is.
package enum RefusalFallbacks: Sendable, Equatable {
    /// `"default"`: the other targets the requested model's setting lists, which serve it when the
    /// first fails, serve it when it declines too; a setting with one target runs it alone.
    case routeDefault
    /// The client's entries, tried in order.
    case entries([Entry])

    /// One entry: the model to ask, and the request's fields it sets for that attempt alone.
    package struct Entry: Sendable, Equatable {
        package let model: String
        /// `max_tokens`, `thinking`, `output_config` and `speed` as the entry gave them: a value
        /// replaces the request's, `null` removes it, an absent one keeps it.
        package let overrides: JSONObject

        package init(model: String, overrides: JSONObject = [:]) {
            self.model = model
            self.overrides = overrides
        }
    }

    /// Anthropic takes three at most.
    package static let maximumEntries = 3
    static let overridable: Set<String> = ["max_tokens", "thinking", "output_config", "speed"]

    /// The request's `fallbacks`; nil when it has none (absent or null).
    package init?(body: JSONValue) throws(AnthropicError) {
        guard let json = body["fallbacks"], !json.isNull else { return nil }
        if json.stringValue == "default" {
            self = .routeDefault
            return
        }
        guard let elements = json.arrayValue else {
            throw FieldReader.problem(
                "fallbacks", "must be \"default\" or a list of entries like {\"model\": \"claude-opus-4-8\"}, not \(json.stringValue.map { "'\($0)'" } ?? json.typeName)")
        }
        guard !elements.isEmpty else { throw FieldReader.problem("fallbacks", "List should have at least 1 item; leave fallbacks out for none") }
        guard elements.count <= Self.maximumEntries else {
            throw FieldReader.problem("fallbacks", "List should have at most \(Self.maximumEntries) items, not \(elements.count)")
        }
        self = .entries(try elements.enumerated().map { index, element throws(AnthropicError) in try Self.entry(element, path: "fallbacks.\(index)") })
    }

    private static func entry(_ json: JSONValue, path: String) throws(AnthropicError) -> Entry {
        let reader = try FieldReader(json, path: path)
        try reader.refuseOthers(overridable.union(["model"]))
        let model = try reader.string("model")
        guard !model.trimmingWhitespace().isEmpty else { throw FieldReader.problem("\(path).model", "must not be empty") }
        if let maxTokens = reader.optional("max_tokens"), (maxTokens.intValue ?? 0) < 1 {
            throw FieldReader.problem("\(path).max_tokens", "must be a positive integer or null, not \(JSONWriter.string(maxTokens))")
        }
        for key in ["thinking", "output_config"] {
            if let value = reader.optional(key), value.objectValue == nil {
                throw FieldReader.problem("\(path).\(key)", "must be an object or null, not \(value.typeName)")
            }
        }
        try MessagesRequest.checkOverrides(thinking: reader.optional("thinking"), outputConfig: reader.optional("output_config"), path: path)
        if let speed = reader.optional("speed"), speed.stringValue != "standard", speed.stringValue != "fast" {
            throw FieldReader.problem("\(path).speed", "must be 'standard', 'fast' or null, not \(JSONWriter.string(speed))")
        }
        return Entry(model: model, overrides: JSONObject(reader.object.members.filter { overridable.contains($0.key) }))
    }

    /// The body of the attempt `entry` makes: the entry's fields applied to the client's request,
    /// never to an earlier attempt's, without the chain itself. `output_config` is applied one
    /// member at a time; a `between_tools` thinking the entry does not replace becomes `disabled`,
    /// since the fallback model may not take it.
    package static func attemptBody(_ body: JSONObject, entry: Entry) -> JSONObject {
        var attempt = body
        attempt["fallbacks"] = nil
        // Anthropic's refund of a refusal's cache writes, which the proxy never gives.
        attempt["fallback_credit_token"] = nil
        attempt["model"] = .string(entry.model)
        for (key, value) in entry.overrides.members where key != "output_config" {
            attempt[key] = value.isNull ? JSONValue?.none : value
        }
        if entry.overrides["thinking"] == nil, body["thinking"]?["type"]?.stringValue == "between_tools" {
            attempt["thinking"] = ["type": "disabled"]
        }
        if let outputConfig = entry.overrides["output_config"] {
            var merged = outputConfig.isNull ? JSONObject() : (body["output_config"]?.objectValue ?? [:])
            for (key, value) in outputConfig.objectValue?.members ?? [] { merged[key] = value.isNull ? JSONValue?.none : value }
            attempt["output_config"] = merged.isEmpty ? nil : .object(merged)
        }
        return attempt
    }
}
