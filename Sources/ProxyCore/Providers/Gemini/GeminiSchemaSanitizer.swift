/// Puts a tool's JSON Schema in a form Gemini accepts, without changing what it asks for.
///
/// Gemini takes tool schemas in two fields (ai.google.dev/api/caching#FunctionDeclaration):
/// `parametersJsonSchema`, JSON Schema itself (Gemini 2.5 and later), and `parameters`, a
/// protobuf `Schema` holding a subset of OpenAPI 3.0 whose parser rejects every keyword it has
/// no field for (`Unknown name "additionalProperties" ... Cannot find field`), type lists
/// (`Proto field is not repeating`), and enums of anything but strings. Claude Code's schemas carry
/// `$schema`, `additionalProperties`, `exclusiveMinimum`; MCP tools add `$ref`/`$defs`, `const`,
/// `["string", "null"]` and formats.
///
/// - `jsonSchema` (for `parametersJsonSchema`) keeps the schema as it is, but for `$schema`,
///   which only names the dialect, and local `$ref`s, which are inlined (a recursive reference
///   stays a reference, with its `$defs`).
/// - `openAPISchema` (for `parameters`) rewrites: references inlined, `null` in a type list or
///   `anyOf` becomes `nullable`, `const` a one-value `enum`, several types an `anyOf`, `allOf` is
///   merged, `oneOf` read as `anyOf`, integer `exclusiveMinimum` an exact `minimum`. A constraint
///   the subset cannot hold (`additionalProperties: false`, `uniqueItems`, a `format` Gemini does
///   not take, a number enum, ...) is stated in the description instead, where the model still
///   reads it; only annotations that constrain nothing (`$schema`, `$id`, `$comment`,
///   `deprecated`, ...) are dropped.
package enum GeminiSchemaSanitizer {
    /// The schema for `parametersJsonSchema`.
    package static func jsonSchema(_ schema: JSONValue) -> JSONValue {
        let references = References(root: schema)
        var unresolved = false
        let inlined = inline(withoutDialect(schema), references: references, visiting: [], unresolved: &unresolved)
        guard case .object(var root) = inlined else { return ["type": "object", "properties": [:]] }
        if !unresolved {
            root["$defs"] = nil
            root["definitions"] = nil
        }
        if root["type"] == nil { root["type"] = "object" }
        return .object(root)
    }

    /// The schema for `parameters`, or `nil` for a function that takes no parameters (Gemini
    /// rejects an object schema whose `properties` are empty).
    package static func openAPISchema(_ schema: JSONValue) -> JSONValue? {
        var unresolved = false
        let inlined = inline(schema, references: References(root: schema), visiting: [], unresolved: &unresolved)
        guard case .object(let root) = inlined else { return nil }
        var converted = convert(root)
        converted["type"] = "object"
        guard let properties = converted["properties"]?.objectValue, !properties.isEmpty else { return nil }
        return .object(converted)
    }

    // MARK: - References

    /// Resolves local references (`#`, `#/$defs/Name`, `#/definitions/Name`, any JSON pointer).
    private struct References {
        let root: JSONValue

        func resolve(_ reference: String) -> JSONValue? {
            guard reference.hasPrefix("#") else { return nil }
            var node = root
            for token in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
                let key = String(token).removingPercentEncoding.replacing("~1", with: "/").replacing("~0", with: "~")
                if let index = Int(key), case .array(let elements) = node {
                    guard elements.indices.contains(index) else { return nil }
                    node = elements[index]
                } else {
                    guard let next = node[key] else { return nil }
                    node = next
                }
            }
            return node
        }
    }

    /// Members whose values are data, not schemas: never rewritten.
    private static let dataMembers: Set<String> = ["enum", "const", "default", "example", "examples", "required"]

    /// `schema` with every `$ref` it can resolve replaced by its target (the reference's sibling
    /// members win over the target's). A reference already being expanded is recursive and stays.
    private static func inline(_ schema: JSONValue, references: References, visiting: [String], unresolved: inout Bool) -> JSONValue {
        switch schema {
        case .array(let elements):
            return .array(elements.map { inline($0, references: references, visiting: visiting, unresolved: &unresolved) })
        case .object(let object):
            if let reference = object["$ref"]?.stringValue {
                guard !visiting.contains(reference), let target = references.resolve(reference) else {
                    unresolved = true
                    return schema
                }
                var merged = inline(target, references: references, visiting: visiting + [reference], unresolved: &unresolved).objectValue ?? [:]
                for member in object.members where member.key != "$ref" {
                    merged[member.key] = inline(member.value, references: references, visiting: visiting, unresolved: &unresolved)
                }
                return .object(merged)
            }
            var result = JSONObject()
            for member in object.members {
                let keep = dataMembers.contains(member.key) || member.key == "$defs" || member.key == "definitions"
                result.append(member.key, keep ? member.value : inline(member.value, references: references, visiting: visiting, unresolved: &unresolved))
            }
            return .object(result)
        default:
            return schema
        }
    }

    /// `schema` without `$schema` members, which name a dialect and constrain nothing.
    private static func withoutDialect(_ schema: JSONValue) -> JSONValue {
        switch schema {
        case .array(let elements):
            return .array(elements.map(withoutDialect))
        case .object(let object):
            var result = JSONObject()
            for member in object.members where member.key != "$schema" {
                result.append(member.key, dataMembers.contains(member.key) ? member.value : withoutDialect(member.value))
            }
            return .object(result)
        default:
            return schema
        }
    }

    // MARK: - OpenAPI subset

    /// Members that are annotations only: dropped without a note.
    private static let annotations: Set<String> = [
        "$schema", "$id", "$comment", "$anchor", "$dynamicAnchor", "$defs", "definitions", "deprecated", "readOnly", "writeOnly",
        "contentEncoding", "contentMediaType", "$vocabulary",
    ]

    /// Members that apply to one JSON type, for splitting a schema of several types.
    private static let membersByType: [String: Set<String>] = [
        "string": ["format", "minLength", "maxLength", "pattern", "enum"],
        "number": ["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum"],
        "integer": ["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum"],
        "array": ["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"],
        "object": ["properties", "required", "additionalProperties", "minProperties", "maxProperties", "propertyNames", "patternProperties", "propertyOrdering"],
    ]

    /// Formats the `Schema` message takes, by type; others go in the description.
    private static let formatsByType: [String: Set<String>] = [
        "string": ["enum", "date-time"], "number": ["float", "double"], "integer": ["int32", "int64"],
    ]

    /// One schema node rewritten into the subset.
    private static func convert(_ node: JSONObject) -> JSONObject {
        var node = mergingAllOf(node)
        var nullable = node["nullable"]?.boolValue ?? false
        var types: [String] = []
        switch node["type"] {
        case .string(let type)?: types = [type]
        case .array(let list)?: types = list.compactMap(\.stringValue)
        default: break
        }
        if types.contains("null") {
            nullable = true
            types.removeAll { $0 == "null" }
        }
        if let constant = node["const"] {
            node["const"] = nil
            node["enum"] = [constant]
        }
        if let values = node["enum"]?.arrayValue, values.contains(.null) {
            nullable = true
            node["enum"] = .array(values.filter { !$0.isNull })
        }
        var branches = (node["anyOf"] ?? node["oneOf"])?.arrayValue ?? []
        node["anyOf"] = nil
        node["oneOf"] = nil
        if branches.contains(where: { $0["type"] == "null" }) {
            nullable = true
            branches.removeAll { $0["type"] == "null" }
        }
        if branches.count == 1, types.isEmpty, case .object(let only) = branches[0] {
            // One branch left (the other was null): it is the schema.
            for member in only.members where node[member.key] == nil { node[member.key] = member.value }
            branches = []
            if case .string(let type)? = only["type"] { types = [type] }
        }
        if types.isEmpty { types = inferredType(node).map { [$0] } ?? [] }

        var result: JSONObject
        if types.count > 1 {
            // Several types: one anyOf branch per type, each with the members that apply to it.
            result = JSONObject()
            let typed = Set(membersByType.values.flatMap { $0 })
            result["anyOf"] = .array(
                types.map { type in
                    var branch = JSONObject(node.members.filter { membersByType[type]?.contains($0.key) == true })
                    branch["type"] = .string(type)
                    return .object(convert(branch))
                })
            var shared = JSONObject(node.members.filter { !typed.contains($0.key) && $0.key != "type" })
            shared["nullable"] = nil
            let rest = convertMembers(shared, type: nil)
            for member in rest.members { result[member.key] = member.value }
        } else {
            node["type"] = types.first.map(JSONValue.string)
            result = convertMembers(node, type: types.first)
        }
        if !branches.isEmpty {
            result["anyOf"] = .array(branches.compactMap { $0.objectValue.map { .object(convert($0)) } })
        }
        if nullable { result["nullable"] = true }
        return result
    }

    /// `allOf` folded into the node: properties and required lists joined, other members kept
    /// where the node has none.
    private static func mergingAllOf(_ node: JSONObject) -> JSONObject {
        guard let parts = node["allOf"]?.arrayValue else { return node }
        var merged = node
        merged["allOf"] = nil
        for case .object(let part) in parts {
            for member in mergingAllOf(part).members {
                switch (member.key, merged[member.key], member.value) {
                case ("properties", .object(var properties)?, .object(let more)):
                    for property in more.members where properties[property.key] == nil { properties[property.key] = property.value }
                    merged["properties"] = .object(properties)
                case ("required", .array(let required)?, .array(let more)):
                    merged["required"] = .array(required + more.filter { !required.contains($0) })
                default:
                    if merged[member.key] == nil { merged[member.key] = member.value }
                }
            }
        }
        return merged
    }

    private static func inferredType(_ node: JSONObject) -> String? {
        if node["properties"] != nil { return "object" }
        if node["items"] != nil || node["prefixItems"] != nil { return "array" }
        guard let values = node["enum"]?.arrayValue, !values.isEmpty else { return nil }
        if values.allSatisfy({ $0.stringValue != nil }) { return "string" }
        if values.allSatisfy({ $0.boolValue != nil }) { return "boolean" }
        if values.allSatisfy({ $0.intValue != nil }) { return "integer" }
        if values.allSatisfy({ $0.doubleValue != nil }) { return "number" }
        return nil
    }

    /// The node's members in the subset's terms, with what it cannot hold noted in the description.
    private static func convertMembers(_ node: JSONObject, type: String?) -> JSONObject {
        var result = JSONObject()
        var notes: [String] = []
        for member in node.members {
            let (key, value) = (member.key, member.value)
            switch key {
            case "type", "title", "pattern", "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minimum", "maximum",
                "default", "example", "propertyOrdering", "nullable":
                if result[key] == nil { result[key] = value }
            case "description":
                continue
            case "format":
                if let format = value.stringValue, let type, formatsByType[type]?.contains(format) == true {
                    result["format"] = value
                } else {
                    notes.append("Format: \(value.stringValue ?? JSONWriter.string(value)).")
                }
            case "enum":
                let values = value.arrayValue ?? []
                if !values.isEmpty, values.allSatisfy({ $0.stringValue != nil }), type == nil || type == "string" {
                    result["enum"] = value
                } else if !values.isEmpty {
                    notes.append(values.count == 1 ? "Must be \(JSONWriter.string(values[0]))." : "Must be one of: \(values.map(JSONWriter.string).joined(separator: ", ")).")
                }
            case "examples":
                if node["example"] == nil, let first = value.arrayValue?.first { result["example"] = first }
            case "exclusiveMinimum", "exclusiveMaximum":
                let isMinimum = key == "exclusiveMinimum"
                // Draft 4 writes `exclusiveMinimum: true` beside `minimum`; 2020-12 the bound itself.
                let bound: JSONValue? = value.boolValue == nil ? value : value.boolValue == true ? node[isMinimum ? "minimum" : "maximum"] : nil
                guard let bound, bound.doubleValue != nil else { continue }
                if type == "integer", let whole = bound.intValue {
                    result[isMinimum ? "minimum" : "maximum"] = .int(isMinimum ? whole + 1 : whole - 1)
                } else {
                    result[isMinimum ? "minimum" : "maximum"] = bound
                    notes.append("Must be \(isMinimum ? "greater" : "less") than \(JSONWriter.string(bound)).")
                }
            case "properties":
                guard let properties = value.objectValue, !properties.isEmpty else { continue }
                result["properties"] = .object(JSONObject(properties.members.map { (key: $0.key, value: $0.value.objectValue.map { .object(convert($0)) } ?? $0.value) }))
            case "required":
                let declared = node["properties"]?.objectValue
                let names = (value.arrayValue ?? []).filter { name in name.stringValue.map { declared?[$0] != nil } ?? false }
                if !names.isEmpty { result["required"] = .array(names) }
            case "items", "prefixItems":
                if case .object(let items) = value {
                    result["items"] = .object(convert(items))
                } else if case .array(let tuple) = value, result["items"] == nil {
                    let schemas = tuple.compactMap(\.objectValue)
                    result["items"] = schemas.count == 1 ? .object(convert(schemas[0])) : ["anyOf": .array(schemas.map { .object(convert($0)) })]
                    notes.append("Items in this order: \(tuple.map(JSONWriter.string).joined(separator: ", ")).")
                }
            case "additionalProperties":
                if value == false {
                    notes.append("No properties other than those listed.")
                } else if value != true {
                    notes.append("Other properties: \(JSONWriter.string(value)).")
                }
            case "uniqueItems":
                if value == true { notes.append("Items must be unique.") }
            case "multipleOf":
                notes.append("Must be a multiple of \(JSONWriter.string(value)).")
            case "anyOf", "oneOf", "allOf", "const":
                continue
            default:
                if !annotations.contains(key) { notes.append("JSON Schema \(key): \(JSONWriter.string(value)).") }
            }
        }
        let description = node["description"]?.stringValue ?? ""
        if !notes.isEmpty {
            let noted = notes.joined(separator: " ")
            result["description"] = .string(description.isEmpty ? noted : "\(description) (\(noted))")
        } else if node["description"] != nil {
            result["description"] = node["description"]
        }
        return result
    }
}
