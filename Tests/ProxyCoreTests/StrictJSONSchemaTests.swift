import Testing

@testable import ProxyCore

struct StrictJSONSchemaTests {
    private let closedPerson: JSONValue = [
        "type": "object", "additionalProperties": false, "required": ["name", "tags"],
        "properties": [
            "name": ["type": "string"],
            "tags": ["type": "array", "items": ["type": "object", "additionalProperties": false, "required": ["k"], "properties": ["k": ["type": "string"]]]],
        ],
    ]

    @Test func aSchemaThatListsEveryPropertyAndClosesEveryObjectIsStrict() {
        #expect(StrictJSONSchema.allowsStrict(closedPerson))
    }

    @Test func anOptionalFieldKeepsTheSchemaNonStrictRatherThanMadeRequired() {
        var schema = closedPerson.objectValue!
        schema["required"] = ["name"]
        #expect(!StrictJSONSchema.allowsStrict(.object(schema)))
    }

    @Test func anOpenNestedObjectIsNotStrict() {
        let schema: JSONValue = [
            "type": "object", "additionalProperties": false, "required": ["inner"],
            "properties": ["inner": ["type": "object", "required": [], "properties": [:]]],
        ]
        #expect(!StrictJSONSchema.allowsStrict(schema))
    }

    @Test func refusedKeywordsAndNonObjectRootsAreNotStrict() {
        #expect(!StrictJSONSchema.allowsStrict(["type": "array", "items": ["type": "string"]]))
        #expect(!StrictJSONSchema.allowsStrict(["type": "object", "additionalProperties": false, "required": [], "properties": [:], "allOf": []]))
    }

    @Test func definitionsAndAlternativesAreCheckedToo() {
        let schema: JSONValue = [
            "type": "object", "additionalProperties": false, "required": ["x"], "properties": ["x": ["anyOf": [["$ref": "#/$defs/A"], ["type": "null"]]]],
            "$defs": ["A": ["type": "object", "properties": ["y": ["type": "string"]], "required": []]],
        ]
        #expect(!StrictJSONSchema.allowsStrict(schema))
    }
}
