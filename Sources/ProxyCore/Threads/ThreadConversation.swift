/// A message thread as kept between its turns: whose it is, the create-only fields it began with,
/// and every message up to and including its newest reply.
package struct ThreadConversation: Sendable, Equatable {
    /// Who made the thread (a client key's name, a presented key's fingerprint): nobody else
    /// continues it.
    package var owner: String
    /// `system` and `tools` as the creating request sent them (absent ones absent).
    package var fields: JSONObject
    /// The history, the replies included, without `cache_control` (see `held`).
    package private(set) var messages: [JSONValue]
    /// About how many bytes of JSON `messages` are, kept as they grow: what a turn costs to
    /// translate, known without walking the history again. Not compared: two stores count it
    /// their own way.
    package private(set) var jsonBytes: Int
    /// Where each of `messages` keeps what is made of it (its decoding and translation), for the
    /// turns that follow: a continued turn does not decode or translate the whole history again.
    /// Not compared.
    package private(set) var derived: [DerivedValue]

    /// What keeping a conversation costs per byte of its JSON: about twice for the values it
    /// parsed to, and once more for its messages as translated, kept in `derived`.
    package static let costPerJSONByte = 3

    /// - Parameter jsonBytes: about how many bytes of JSON `messages` are; counted when nil.
    package init(owner: String, fields: JSONObject, messages: [JSONValue], jsonBytes: Int? = nil) {
        self.owner = owner
        self.fields = fields
        self.messages = messages
        self.jsonBytes = jsonBytes ?? JSONWriter.encodedCount(.array(messages))
        derived = messages.map { _ in DerivedValue() }
    }

    package static func == (lhs: ThreadConversation, rhs: ThreadConversation) -> Bool {
        lhs.owner == rhs.owner && lhs.fields == rhs.fields && lhs.messages == rhs.messages
    }

    /// Adds a turn's messages, `jsonBytes` about how many bytes of JSON they are.
    package mutating func append(_ turn: [JSONValue], jsonBytes: Int) {
        messages += turn
        derived += turn.map { _ in DerivedValue() }
        self.jsonBytes += jsonBytes
    }

    /// The request fields a thread keeps from its first turn; a `continue` leaves them out.
    package static let createOnlyFields = ["system", "tools"]

    /// The create-only fields of a creating request's body.
    package static func fields(of body: JSONObject) -> JSONObject {
        var fields = JSONObject()
        for name in createOnlyFields {
            if let value = body[name], !value.isNull { fields.append(name, value) }
        }
        return fields
    }

    /// The whole request a `continue` turn stands for: its own fields (`model`, `max_tokens`, ...),
    /// the thread's create-only fields, and the thread's history followed by the turn's messages,
    /// without `thread`.
    /// - Throws: `thread_fingerprint_mismatch` when the turn sends a create-only field of its own.
    package func request(continuing body: JSONObject) throws(AnthropicError) -> JSONObject {
        let changed = Self.createOnlyFields.filter { name in
            guard let sent = body[name], !sent.isNull else { return false }
            return fields[name] != sent
        }
        guard changed.isEmpty else { throw .threadFingerprintMismatch(changed) }
        var request = body
        request["thread"] = nil
        for name in Self.createOnlyFields { request[name] = fields[name] }
        let newMessages = body["messages"]?.arrayValue ?? []
        request["messages"] = .array(messages + newMessages)
        return request
    }

    /// Messages as a thread keeps them: without the `cache_control` of their blocks, however deep.
    /// Each breakpoint was set for the turn that sent it; a later turn sets its own, and a request
    /// takes only four.
    package static func held(_ messages: [JSONValue]) -> [JSONValue] {
        messages.map { message in
            guard case .object(var object) = message, let content = object["content"], case .array = content else { return message }
            object["content"] = withoutCacheControl(content)
            return .object(object)
        }
    }

    /// Only the members that hold blocks are followed, so a tool's `input` stays as it was.
    private static func withoutCacheControl(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements):
            return .array(elements.map(withoutCacheControl))
        case .object(var object):
            guard object["cache_control"] != nil || object["content"]?.arrayValue != nil else { return value }
            object["cache_control"] = nil
            if let content = object["content"], case .array = content { object["content"] = withoutCacheControl(content) }
            return .object(object)
        default:
            return value
        }
    }
}
