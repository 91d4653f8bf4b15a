/// One request's part in cache diagnostics, from its decoding to its reply: the diagnosis the
/// reply carries, and the request's fingerprint, kept under the reply's id as the client is given
/// it, for the client's next request to name.
package struct CacheDiagnosticsTurn: Sendable {
    package let diagnosis: CacheDiagnosis
    private let fingerprint: PromptFingerprint
    private let owner: String
    private let store: PromptFingerprintStore

    /// Compares the request with the one it names; nil when it did not ask for diagnostics.
    /// - Parameters:
    ///   - model: the upstream model the request goes to (`RouteTarget.qualifiedModel`).
    ///   - owner: whose request it is (see `ClientRequest.owner`), worked out only when it asked.
    package init?(_ request: MessagesRequest, model: String, owner: @autoclosure () -> String, store: PromptFingerprintStore) async {
        guard let asked = request.cacheDiagnostics else { return nil }
        let owner = owner()
        fingerprint = PromptFingerprint(request, model: model)
        diagnosis = await store.diagnosis(of: fingerprint, previousMessageID: asked.previousMessageID, owner: owner)
        self.owner = owner
        self.store = store
    }

    /// `message` carrying the diagnosis; its id now names the request's fingerprint.
    package func answering(_ message: AnthropicMessage) -> AnthropicMessage {
        var message = message
        message.cacheDiagnosis = diagnosis
        store.keep(fingerprint, owner: owner, replyID: message.id)
        return message
    }

    /// A stream's opening with the diagnosis in its `message_start`, whose id now names the
    /// request's fingerprint.
    package func opening(_ events: [AnthropicStreamEvent]) -> [AnthropicStreamEvent] {
        events.map { event in
            guard case .messageStart(let message) = event else { return event }
            return .messageStart(answering(message))
        }
    }
}
