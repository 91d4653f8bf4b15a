/// Whether OpenAI's strict structured outputs can take a JSON schema as the client wrote it.
///
/// Strict mode demands that every object lists all its properties in `required` and sets
/// `additionalProperties: false`, and it refuses some keywords. Making a schema fit would turn
/// optional fields into required ones (the model would then always fill them), so a schema that
/// does not fit is sent as it is, with `strict: false`.
package enum StrictJSONSchema {
    /// Keywords strict mode does not accept anywhere in the schema.
    private static let refusedKeywords: Set<String> = [
        "allOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas", "patternProperties", "unevaluatedProperties",
        "propertyNames", "contains", "prefixItems",
    ]

    package static func allowsStrict(_ schema: JSONValue) -> Bool {
        guard case .object(let root) = schema, root["type"] == "object" else { return false }
        return fits(schema)
    }

    private static func fits(_ schema: JSONValue) -> Bool {
        switch schema {
        case .object(let object):
            if object.members.contains(where: { refusedKeywords.contains($0.key) }) { return false }
            if object["type"] == "object" || object["properties"] != nil {
                let names = Set((object["properties"]?.objectValue?.members ?? []).map(\.key))
                let required = Set((object["required"]?.arrayValue ?? []).compactMap(\.stringValue))
                guard object["additionalProperties"] == false, names == required else { return false }
            }
            let children: [JSONValue] =
                (object["properties"]?.objectValue?.members.map(\.value) ?? [])
                + (object["$defs"]?.objectValue?.members.map(\.value) ?? [])
                + (object["definitions"]?.objectValue?.members.map(\.value) ?? [])
                + (object["anyOf"]?.arrayValue ?? [])
                + [object["items"]].compactMap { $0 }
            return children.allSatisfy(fits)
        case .bool:
            return false
        default:
            return true
        }
    }
}
