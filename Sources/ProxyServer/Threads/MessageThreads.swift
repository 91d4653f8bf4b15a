import ProxyCore

/// Serves the `thread` field of Messages requests (see `ThreadDirective`): a `continue` turn is
/// rebuilt into the whole request from the thread kept, so every backend and every fallback gets
/// the whole conversation, and each turn's reply is kept for the next.
struct MessageThreads: Sendable {
    let store: any MessageThreadStore
    /// The time a turn happens at, for the shared database's leases and retention.
    let now: @Sendable () -> UTCTime

    /// The turn `client` asks for, and the request the backends take for it: the whole
    /// conversation, without `thread`. The thread is the client's own (`ClientRequest.owner`).
    /// - Parameter strings: long strings already written, for a passthrough body written again.
    func open(
        _ client: ClientRequest, _ directive: ThreadDirective, strings: JSONStringEscapes?
    ) async throws(AnthropicError) -> (ClientRequest, ThreadTurn) {
        let owner = client.owner
        guard case .object(var body) = client.json else { throw .invalidRequest("The request body must be a JSON object.") }
        let newMessages = body["messages"]?.arrayValue ?? []
        let kind: ThreadTurn.Kind
        var size = client.size
        var derivedFromMessages = client.derivedFromMessages
        switch directive {
        case .create:
            body["thread"] = nil
            kind = .create(fields: ThreadConversation.fields(of: body))
        case .continue(let previousID):
            let conversation: ThreadConversation
            do {
                conversation = try await store.claim(previousID, owner: owner, at: now())
            } catch let error as AnthropicError {
                throw error
            } catch {
                throw Self.storeUnavailable
            }
            do throws(AnthropicError) {
                body = try conversation.request(continuing: body)
            } catch {
                await store.release(previousID)
                throw error
            }
            kind = .continue(previousID: previousID)
            size += conversation.jsonBytes
            derivedFromMessages = conversation.derived + newMessages.map { _ in DerivedValue() }
        }
        // A thread created with a whole late session has megabytes of messages to go through.
        let held = await BulkWorkExecutor.run(forBytes: client.size) { ThreadConversation.held(newMessages) }
        let turn = ThreadTurn(threads: self, kind: kind, owner: owner, newMessages: held, requestBytes: client.size)
        return (ClientRequest(replacing: client, with: .object(body), size: size, strings: strings, derivedFromMessages: derivedFromMessages), turn)
    }

    /// What a client is told when the store of threads does not answer (the cause, which may
    /// name the database, is not passed on).
    static let storeUnavailable = AnthropicError(
        .api, "Message threads cannot be continued right now: their database does not answer; send the whole conversation without thread, or retry.",
        status: 503)
}

extension AnthropicError {
    /// A `thread` when `MESSAGE_THREADS` is off: the SDKs' tool runner reads the `error_code` and
    /// sends the whole conversation again without a thread.
    static let threadsOff = AnthropicError(
        .invalidRequest,
        "thread: message threads are off on this proxy (MESSAGE_THREADS=off); send the whole conversation in messages without a thread (the Anthropic SDK's tool runner does this by itself after this error).",
        details: ["error_code": "thread_unsupported_request", "unsupported": ["thread"]])
}
