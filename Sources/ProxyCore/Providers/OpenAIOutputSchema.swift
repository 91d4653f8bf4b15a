/// The client's output schema (structured outputs) as both OpenAI APIs take it: Chat's
/// `response_format.json_schema` and the Responses API's `text.format` hold the same members.
struct OpenAIOutputSchema {
    /// The schema's `title` when OpenAI takes it as a name (its rule for tool names), else
    /// "response".
    let name: String
    /// The schema without `$schema`, which names a dialect, constrains nothing, and makes strict
    /// upstreams refuse it.
    let schema: JSONObject
    /// Strict only when the schema already meets strict mode's rules: making it fit would turn
    /// optional fields into required ones (see `StrictJSONSchema`).
    let strict: Bool

    init(_ schema: JSONValue) {
        let title = schema["title"]?.stringValue ?? ""
        name = ToolNameMapping.upstreamName(for: title) == title && !title.isEmpty ? title : "response"
        self.schema = Self.withoutDialect(schema)
        strict = StrictJSONSchema.allowsStrict(schema)
    }

    /// Chat Completions' `response_format`.
    var responseFormat: JSONValue {
        ["type": "json_schema", "json_schema": ["name": .string(name), "schema": .object(schema), "strict": .bool(strict)]]
    }

    /// The Responses API's `text.format`.
    var textFormat: JSONValue {
        ["type": "json_schema", "name": .string(name), "schema": .object(schema), "strict": .bool(strict)]
    }

    /// A schema object without its top-level `$schema`.
    static func withoutDialect(_ schema: JSONValue) -> JSONObject {
        var object = schema.objectValue ?? [:]
        object["$schema"] = nil
        return object
    }
}
