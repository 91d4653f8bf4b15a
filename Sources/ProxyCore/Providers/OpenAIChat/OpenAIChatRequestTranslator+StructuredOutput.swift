extension OpenAIChatRequestTranslator {
    /// `response_format` for the client's output schema (structured outputs): `json_schema`,
    /// named by the schema's `title` when that is a valid name (`^[a-zA-Z0-9_-]{1,64}$`), else
    /// "response"; the schema without `$schema`; strict only when the schema already meets strict
    /// mode's rules, as making it fit would turn optional fields into required ones.
    static func jsonSchemaFormat(_ schema: JSONValue) -> JSONValue {
        // OpenAI takes the same names for schemas as for tools, which keep a valid name as it is.
        let title = schema["title"]?.stringValue ?? ""
        let isValidName = ToolNameMapping.upstreamName(for: title) == title
        return [
            "type": "json_schema",
            "json_schema": [
                "name": .string(isValidName ? title : "response"), "schema": withoutDialect(schema), "strict": .bool(StrictJSONSchema.allowsStrict(schema)),
            ],
        ]
    }

    /// For servers that take only `{"type": "json_object"}` (any JSON): the schema the reply must
    /// follow, told in the system prompt. It names JSON, which such servers require of the prompt.
    static func schemaInstruction(_ schema: JSONValue) -> String {
        "Reply with a single JSON object, and nothing else, that follows this JSON schema:\n" + JSONWriter.string(withoutDialect(schema))
    }

    /// `$schema` names a dialect and constrains nothing; strict upstreams refuse it.
    private static func withoutDialect(_ schema: JSONValue) -> JSONValue {
        var object = schema.objectValue ?? [:]
        object["$schema"] = nil
        return .object(object)
    }
}
