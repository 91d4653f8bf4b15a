/// What a request's `thread` field asks for (Anthropic's message threads, beta
/// `message-threads-2026-08-12`, which the official SDKs' `thread()` and tool runner use): keep
/// this conversation under the reply's `id`, or continue the one kept under an earlier reply's `id`,
/// so that the request carries only the new turn.
package enum ThreadDirective: Sendable, Equatable {
    case create
    case `continue`(previousMessageID: String)

    /// The beta a threaded request names in its `anthropic-beta` header.
    package static let beta = "message-threads-2026-08-12"

    /// The body's directive; nil when it has no `thread` (or a null one).
    /// - Parameter betas: the request's `anthropic-beta` header values, comma lists allowed.
    package init?(body: JSONValue, betas: [String]) throws(AnthropicError) {
        guard let thread = body["thread"], !thread.isNull else { return nil }
        guard case .object = thread else {
            throw FieldReader.problem("thread", "must be an object, {\"type\": \"create\"} or {\"type\": \"continue\", \"previous_message_id\": ...}, not \(thread.typeName)")
        }
        guard AnthropicBetas(headerValues: betas).contains(Self.beta) else {
            throw FieldReader.problem("thread", "message threads are a beta: add '\(Self.beta)' to the anthropic-beta header (the SDKs' thread() and tool runner do this by themselves)")
        }
        let reader = try FieldReader(thread, path: "thread")
        switch reader.optional("type")?.stringValue {
        case "create":
            try reader.refuseOthers(["type"])
            self = .create
        case "continue":
            try reader.refuseOthers(["type", "previous_message_id"])
            guard let id = reader.optional("previous_message_id")?.stringValue, !id.isEmpty else {
                throw FieldReader.problem("thread.previous_message_id", "Field required: the id of the reply this turn continues")
            }
            self = .continue(previousMessageID: id)
        case let other:
            throw FieldReader.problem("thread.type", "must be 'create' or 'continue', not \(other.map { "'\($0)'" } ?? "missing")")
        }
    }
}

extension AnthropicError {
    /// No thread is kept under the id (never made, evicted, expired, kept by another client key, or
    /// lost in a restart of a proxy without a shared database). The SDKs then send the whole
    /// conversation again under a new thread.
    package static func threadNotFound(_ id: String) -> AnthropicError {
        AnthropicError(
            .notFound,
            "thread.previous_message_id: no thread is kept under '\(id)' (unknown, expired or evicted); send the whole conversation with thread {\"type\": \"create\"} to start a new one.",
            details: ["error_code": "thread_not_found"])
    }

    package static func threadAlreadyContinued(_ id: String) -> AnthropicError {
        AnthropicError(
            .invalidRequest,
            "thread.previous_message_id: the reply '\(id)' has already been continued, and each reply can be continued once; continue from the thread's most recent reply id.",
            details: ["error_code": "thread_already_continued"])
    }

    package static func threadContinueInFlight(_ id: String) -> AnthropicError {
        AnthropicError(
            .invalidRequest,
            "thread.previous_message_id: another request is still continuing from '\(id)'; wait for it and continue from its reply's id, or send the whole conversation with thread {\"type\": \"create\"}.",
            details: ["error_code": "thread_continue_in_flight"])
    }

    /// A `continue` that sends a create-only field (`system`, `tools`) other than the thread's.
    package static func threadFingerprintMismatch(_ fields: [String]) -> AnthropicError {
        let names = fields.map { "`\($0)`" }.joined(separator: " and ")
        return AnthropicError(
            .invalidRequest,
            "thread: \(names) differ\(fields.count == 1 ? "s" : "") from the thread's, which keeps the ones it was created with; leave \(fields.count == 1 ? "it" : "them") out (or send the same), or send the whole conversation with thread {\"type\": \"create\"} to change \(fields.count == 1 ? "it" : "them").",
            details: ["error_code": "thread_fingerprint_mismatch"])
    }
}
