/// Everything known about one exchange once it has ended: built by one owner at the end of every
/// request (whole, streamed, refused, retried, or left by its client) and read by every observer
/// (the access log first). It never holds a secret: the client is named, not its key.
package struct RequestRecord: Sendable, Equatable {
    /// `req_…`, unique per exchange.
    package var id: String
    package var receivedAt: UTCTime
    /// `POST /v1/messages`, `POST /v1/messages/count_tokens`.
    package var method: String
    package var path: String
    /// The name of the client's key, never the key; `nil` without client keys.
    package var clientKey: String?
    /// Claude Code's session, from `metadata.user_id`.
    package var sessionID: String?
    package var clientModel: String?
    package var stream = false
    package var messageCount = 0
    package var toolCount = 0
    /// The route routing by need chose, and why, in words.
    package var route: RouteChoice.Route?
    package var routeReason: String?
    /// Every target tried, in order; the last one served the request (or failed last).
    package var targets: [AttemptedTarget] = []
    /// Attempts made, the first included.
    package var attempts = 0
    /// The HTTP status the client received; 499 when it went away first.
    package var status = 200
    /// The error's Anthropic type, when the exchange failed (a stream's `event: error` included).
    package var errorType: String?
    package var errorMessage: String?
    /// What the client was told the reply cost; with, once the record is finished, what the
    /// replies in `declinedReplies` cost.
    package var usage: Usage?
    /// Replies that declined before the one that served (`fallbacks`): billed by their upstreams
    /// all the same.
    package var declinedReplies: [DeclinedReply] = []
    /// What the reply cost in US dollars at the target model's prices; nil when its prices are
    /// unknown (never 0 for "unknown").
    package var costUSD: Double?
    /// Server tools the upstream ran for the reply (web searches).
    package var serverToolUses: Int { usage?.webSearchRequests ?? 0 }
    /// From receiving the request to the response's head.
    package var timeToFirstByte: Duration?
    /// From receiving the request to the end of the reply.
    package var duration: Duration = .zero
    package var bytesIn = 0
    package var bytesOut = 0

    package init(id: String, receivedAt: UTCTime, method: String, path: String) {
        self.id = id
        self.receivedAt = receivedAt
        self.method = method
        self.path = path
    }

    /// Adds the declined replies' tokens to `usage`, once the cost is worked out (each at its own
    /// target's prices).
    package mutating func includeDeclinedUsage() {
        guard !declinedReplies.isEmpty else { return }
        usage = declinedReplies.reduce(usage ?? Usage()) { $0 + $1.usage }
    }

    /// The target that served the request, or failed last.
    package var target: AttemptedTarget? { targets.last }

    /// What the client's `metadata.user_id` says of its session: Claude Code sends a JSON object in
    /// a string (`{"device_id": …, "session_id": …}`); older versions wrote `…_session_<id>`.
    package static func sessionID(fromUserID userID: String?) -> String? {
        guard let userID, !userID.isEmpty else { return nil }
        if userID.hasPrefix("{"), let object = try? JSONParser.parse(Array(userID.utf8)), let session = object["session_id"]?.stringValue {
            return session.isEmpty ? nil : session
        }
        guard let marker = userID.firstRange(of: "_session_") else { return nil }
        let session = userID[marker.upperBound...]
        return session.isEmpty ? nil : String(session)
    }

    /// Clears what the client or an upstream wrote (the model names, the session, an error's
    /// message) of any secret, before observers store or print the record.
    package mutating func redact(with redactor: SecretRedactor) {
        clientModel = clientModel.map(redactor.redact)
        sessionID = sessionID.map(redactor.redact)
        errorMessage = errorMessage.map(redactor.redact)
        routeReason = routeReason.map(redactor.redact)
        for index in targets.indices {
            targets[index].model = redactor.redact(targets[index].model)
            targets[index].qualifiedModel = redactor.redact(targets[index].qualifiedModel)
        }
    }

    /// Marks the exchange as failed with `error`, as the client received it.
    package mutating func fail(with error: AnthropicError, status: Int? = nil) {
        self.status = status ?? error.status
        errorType = error.kind.rawValue
        errorMessage = error.message
    }
}
