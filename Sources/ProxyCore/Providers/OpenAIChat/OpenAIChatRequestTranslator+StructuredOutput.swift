extension OpenAIChatRequestTranslator {
    /// For servers that take only `{"type": "json_object"}` (any JSON): the schema the reply must
    /// follow, told in the system prompt. It names JSON, which such servers require of the prompt.
    static func schemaInstruction(_ schema: JSONValue) -> String {
        "Reply with a single JSON object, and nothing else, that follows this JSON schema:\n" + JSONWriter.string(.object(OpenAIOutputSchema.withoutDialect(schema)))
    }
}
