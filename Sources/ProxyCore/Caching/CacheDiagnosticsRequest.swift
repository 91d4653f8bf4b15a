/// A request's `diagnostics` (Anthropic's cache diagnostics): the client opts in, naming the reply
/// to its previous request, or none on a first turn. The request's fingerprint is then kept under
/// its reply's id, and given a previous id the reply says where the prompt diverged from that
/// request's (see `CacheDiagnosticsTurn`).
package struct CacheDiagnosticsRequest: Sendable, Equatable {
    /// The `id` of the reply to the request to compare with; nil on a first turn.
    package var previousMessageID: String?

    package init(previousMessageID: String?) {
        self.previousMessageID = previousMessageID
    }

    /// The body's `diagnostics`; nil when it has none (or a null one).
    package init?(json: JSONValue?) throws(AnthropicError) {
        guard let json, !json.isNull else { return nil }
        guard json.objectValue != nil else {
            throw FieldReader.problem(
                "diagnostics", "must be an object, {\"previous_message_id\": \"msg_...\"} (or null on a first turn), not \(json.typeName)")
        }
        let reader = try FieldReader(json, path: "diagnostics")
        try reader.refuseOthers(["previous_message_id"])
        guard let previous = reader.optional("previous_message_id") else {
            previousMessageID = nil
            return
        }
        guard let id = previous.stringValue, !id.isEmpty else {
            throw FieldReader.problem(
                "diagnostics.previous_message_id", "must be the id (msg_...) of the reply to your previous request, or null on a first turn, not \(previous.typeName == "string" ? "an empty string" : previous.typeName)")
        }
        previousMessageID = id
    }
}
