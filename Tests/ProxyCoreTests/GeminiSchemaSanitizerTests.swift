import ProxyCore
import Testing

/// Tool schemas reach Gemini in a form it accepts and that still asks for the same input.
@Suite struct GeminiSchemaSanitizerTests {
    // MARK: - parametersJsonSchema

    @Test func jsonSchemaKeepsEverythingButTheDialect() {
        let schema: JSONValue = [
            "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": [
                "limit": ["type": "integer", "exclusiveMinimum": 0], "mode": ["const": "fast"], "tag": ["type": ["string", "null"], "format": "uuid"],
                "meta": ["type": "object", "additionalProperties": ["type": "string"], "propertyNames": ["pattern": "^[a-z]+$"]],
            ],
            "required": ["limit"], "additionalProperties": false,
        ]
        #expect(
            GeminiSchemaSanitizer.jsonSchema(schema) == [
                "type": "object",
                "properties": [
                    "limit": ["type": "integer", "exclusiveMinimum": 0], "mode": ["const": "fast"], "tag": ["type": ["string", "null"], "format": "uuid"],
                    "meta": ["type": "object", "additionalProperties": ["type": "string"], "propertyNames": ["pattern": "^[a-z]+$"]],
                ],
                "required": ["limit"], "additionalProperties": false,
            ])
    }

    @Test func jsonSchemaInlinesLocalReferencesAndDropsTheirDefinitions() {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "from": ["$ref": "#/$defs/Point", "description": "Start"], "to": ["$ref": "#/definitions/Point"],
                "path": ["type": "array", "items": ["$ref": "#/$defs/Point"]],
            ],
            "$defs": ["Point": ["type": "object", "properties": ["x": ["type": "number"], "y": ["type": "number"]], "description": "A point"]],
            "definitions": ["Point": ["type": "object", "properties": ["x": ["type": "number"], "y": ["type": "number"]]]],
        ]
        let point: JSONValue = ["type": "object", "properties": ["x": ["type": "number"], "y": ["type": "number"]], "description": "A point"]
        var start = point.objectValue!
        start["description"] = "Start"
        #expect(
            GeminiSchemaSanitizer.jsonSchema(schema) == [
                "type": "object",
                "properties": [
                    "from": .object(start), "to": ["type": "object", "properties": ["x": ["type": "number"], "y": ["type": "number"]]],
                    "path": ["type": "array", "items": point],
                ],
            ])
    }

    @Test func jsonSchemaKeepsARecursiveReferenceWithItsDefinitions() {
        let schema: JSONValue = [
            "type": "object", "properties": ["tree": ["$ref": "#/$defs/Node"]],
            "$defs": ["Node": ["type": "object", "properties": ["children": ["type": "array", "items": ["$ref": "#/$defs/Node"]]]]],
        ]
        #expect(
            GeminiSchemaSanitizer.jsonSchema(schema) == [
                "type": "object",
                "properties": ["tree": ["type": "object", "properties": ["children": ["type": "array", "items": ["$ref": "#/$defs/Node"]]]]],
                "$defs": ["Node": ["type": "object", "properties": ["children": ["type": "array", "items": ["$ref": "#/$defs/Node"]]]]],
            ])
    }

    @Test func jsonSchemaLeavesDataMembersAlone() {
        let schema: JSONValue = ["type": "object", "properties": ["x": ["type": "object", "default": ["$schema": "kept", "$ref": "#/nowhere"]]]]
        #expect(GeminiSchemaSanitizer.jsonSchema(schema) == schema)
    }

    @Test func jsonSchemaGivesARootWithoutATypeTheObjectType() {
        #expect(GeminiSchemaSanitizer.jsonSchema(["properties": ["a": ["type": "string"]]]) == ["properties": ["a": ["type": "string"]], "type": "object"])
    }

    // MARK: - parameters (OpenAPI subset)

    private func property(_ schema: JSONValue) -> JSONValue? {
        GeminiSchemaSanitizer.openAPISchema(["type": "object", "properties": ["p": schema]])?["properties"]?["p"]
    }

    @Test func nullInATypeListBecomesNullable() {
        #expect(property(["type": ["string", "null"], "description": "A tag"]) == ["type": "string", "description": "A tag", "nullable": true])
    }

    @Test func severalTypesBecomeAnyOfWithTheMembersThatApplyToEach() {
        #expect(
            property(["type": ["string", "integer"], "minLength": 2, "minimum": 1, "description": "Id"]) == [
                "anyOf": [["minLength": 2, "type": "string"], ["minimum": 1, "type": "integer"]], "description": "Id",
            ])
    }

    @Test func constBecomesAOneValueEnum() {
        #expect(property(["type": "string", "const": "fast"]) == ["type": "string", "enum": ["fast"]])
        #expect(property(["const": "fast"]) == ["type": "string", "enum": ["fast"]])
    }

    @Test func numberEnumsAndConstsAreStatedInTheDescription() {
        #expect(property(["type": "integer", "enum": [1, 2, 4], "description": "Width"]) == ["type": "integer", "description": "Width (Must be one of: 1, 2, 4.)"])
        #expect(property(["const": 3]) == ["type": "integer", "description": "Must be 3."])
    }

    @Test func nullInAnEnumBecomesNullable() {
        #expect(property(["type": ["string", "null"], "enum": ["a", "b", nil]]) == ["type": "string", "enum": ["a", "b"], "nullable": true])
    }

    @Test func anyOfWithNullBecomesTheOtherBranchNullable() {
        #expect(property(["anyOf": [["type": "string", "maxLength": 5], ["type": "null"]], "description": "Name"]) == [
            "description": "Name", "type": "string", "maxLength": 5, "nullable": true,
        ])
    }

    @Test func oneOfIsReadAsAnyOfAndEachBranchIsRewritten() {
        #expect(
            property(["oneOf": [["type": "string", "format": "email"], ["type": "integer", "exclusiveMinimum": 0]]]) == [
                "anyOf": [["type": "string", "description": "Format: email."], ["type": "integer", "minimum": 1]]
            ])
    }

    @Test func allOfIsMergedIntoOneSchema() {
        #expect(
            property([
                "allOf": [
                    ["type": "object", "properties": ["a": ["type": "string"]], "required": ["a"]],
                    ["properties": ["b": ["type": "number"]], "required": ["b"]],
                ]
            ]) == ["type": "object", "properties": ["a": ["type": "string"], "b": ["type": "number"]], "required": ["a", "b"]])
    }

    @Test func exclusiveBoundsBecomeExactBoundsForIntegersAndAreStatedForNumbers() {
        #expect(property(["type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10]) == ["type": "integer", "minimum": 1, "maximum": 9])
        #expect(property(["type": "number", "exclusiveMinimum": 0]) == ["type": "number", "minimum": 0, "description": "Must be greater than 0."])
        // The draft-4 form: a boolean beside minimum.
        #expect(property(["type": "integer", "minimum": 5, "exclusiveMinimum": true]) == ["type": "integer", "minimum": 6])
    }

    @Test func formatsGeminiTakesStayAndOthersAreStated() {
        #expect(property(["type": "string", "format": "date-time"]) == ["type": "string", "format": "date-time"])
        #expect(property(["type": "integer", "format": "int64"]) == ["type": "integer", "format": "int64"])
        #expect(property(["type": "string", "format": "uri", "description": "Link"]) == ["type": "string", "description": "Link (Format: uri.)"])
    }

    @Test func constraintsTheSubsetCannotHoldAreStatedNotLost() {
        #expect(
            property([
                "type": "object", "properties": ["k": ["type": "string"]], "additionalProperties": false, "minProperties": 1,
            ]) == ["type": "object", "properties": ["k": ["type": "string"]], "minProperties": 1, "description": "No properties other than those listed."])
        #expect(
            property(["type": "object", "additionalProperties": ["type": "number"]]) == [
                "type": "object", "description": #"Other properties: {"type":"number"}."#,
            ])
        #expect(property(["type": "array", "items": ["type": "string"], "uniqueItems": true]) == [
            "type": "array", "items": ["type": "string"], "description": "Items must be unique.",
        ])
        #expect(property(["type": "string", "propertyNames": ["x": 1], "not": ["const": "x"]]) == [
            "type": "string", "description": #"JSON Schema propertyNames: {"x":1}. JSON Schema not: {"const":"x"}."#,
        ])
    }

    @Test func annotationsThatConstrainNothingAreDropped() {
        #expect(property(["type": "string", "$comment": "x", "deprecated": true, "readOnly": true, "$id": "s"]) == ["type": "string"])
        #expect(property(["type": "string", "examples": ["a", "b"]]) == ["type": "string", "example": "a"])
    }

    @Test func referencesAreInlinedAndRequiredNamesOnlyDeclaredProperties() {
        let schema: JSONValue = [
            "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": ["kind": ["$ref": "#/$defs/Kind"]], "required": ["kind", "ghost"],
            "$defs": ["Kind": ["type": "string", "enum": ["a", "b"]]],
        ]
        #expect(
            GeminiSchemaSanitizer.openAPISchema(schema) == [
                "type": "object", "properties": ["kind": ["type": "string", "enum": ["a", "b"]]], "required": ["kind"],
            ])
    }

    @Test func anObjectWithoutPropertiesHasNoParameters() {
        #expect(GeminiSchemaSanitizer.openAPISchema(["type": "object", "properties": [:]]) == nil)
        #expect(GeminiSchemaSanitizer.openAPISchema(["type": "object"]) == nil)
    }

    @Test func tupleItemsBecomeAnyOfWithTheirOrderStated() {
        #expect(
            property(["type": "array", "prefixItems": [["type": "string"], ["type": "number"]]]) == [
                "type": "array", "items": ["anyOf": [["type": "string"], ["type": "number"]]],
                "description": #"Items in this order: {"type":"string"}, {"type":"number"}."#,
            ])
    }

    /// Every keyword the `Schema` message has a field for: anything else in the output would be
    /// rejected by Gemini.
    static let schemaFields: Set<String> = [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required", "minProperties",
        "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum",
    ]

    @Test(arguments: ["first-turn", "tool-result-turn", "parallel-tool-results-turn"])
    func claudeCodeToolSchemasUseOnlyFieldsTheSubsetHas(fixture: String) throws {
        let body = try Fixture.claudeCodeRequest(fixture)
        for tool in body["tools"]?.arrayValue ?? [] {
            guard let parameters = GeminiSchemaSanitizer.openAPISchema(try #require(tool["input_schema"])) else { continue }
            #expect(Self.unknownFields(parameters, path: tool["name"]?.stringValue ?? "") == [])
        }
    }

    private static func unknownFields(_ schema: JSONValue, path: String) -> [String] {
        guard case .object(let object) = schema else { return [] }
        var unknown = object.keys.filter { !schemaFields.contains($0) }.map { "\(path).\($0)" }
        if case .string = object["type"] {} else if object["type"] != nil { unknown.append("\(path).type is not one type") }
        for property in object["properties"]?.objectValue?.members ?? [] { unknown += unknownFields(property.value, path: "\(path).\(property.key)") }
        if let items = object["items"] { unknown += unknownFields(items, path: "\(path)[]") }
        for branch in object["anyOf"]?.arrayValue ?? [] { unknown += unknownFields(branch, path: "\(path)|") }
        return unknown
    }
}
