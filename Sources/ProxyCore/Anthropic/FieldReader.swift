/// Reads typed fields out of a JSON object, naming the exact path of anything missing or mistyped.
struct FieldReader {
    let object: JSONObject
    let path: String

    init(_ json: JSONValue, path: String) throws(AnthropicError) {
        guard case .object(let object) = json else {
            throw Self.problem(path.isEmpty ? "body" : path, "must be an object, not \(json.typeName)")
        }
        self.object = object
        self.path = path
    }

    static func problem(_ path: String, _ message: String) -> AnthropicError {
        .invalidRequest("\(path): \(message)")
    }

    /// Refuses members other than `allowed`, as Anthropic does ("Extra inputs are not permitted").
    func refuseOthers(_ allowed: Set<String>) throws(AnthropicError) {
        if let extra = object.keys.first(where: { !allowed.contains($0) }) {
            throw Self.problem(fieldPath(extra), "Extra inputs are not permitted")
        }
    }

    private func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The member's value, `nil` when absent or JSON null.
    func optional(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func required(_ key: String) throws(AnthropicError) -> JSONValue {
        guard let value = optional(key) else { throw Self.problem(fieldPath(key), "Field required") }
        return value
    }

    func string(_ key: String) throws(AnthropicError) -> String {
        let value = try required(key)
        guard let text = value.stringValue else { throw mistyped(key, "a string", value) }
        return text
    }

    func int(_ key: String) throws(AnthropicError) -> Int {
        let value = try required(key)
        guard let number = value.intValue else { throw mistyped(key, "an integer", value) }
        return number
    }

    func array(_ key: String) throws(AnthropicError) -> [JSONValue] {
        let value = try required(key)
        guard let elements = value.arrayValue else { throw mistyped(key, "an array", value) }
        return elements
    }

    func optionalString(_ key: String) throws(AnthropicError) -> String? {
        guard let value = optional(key) else { return nil }
        guard let text = value.stringValue else { throw mistyped(key, "a string", value) }
        return text
    }

    func optionalBool(_ key: String) throws(AnthropicError) -> Bool? {
        guard let value = optional(key) else { return nil }
        guard let flag = value.boolValue else { throw mistyped(key, "a boolean", value) }
        return flag
    }

    func optionalInt(_ key: String) throws(AnthropicError) -> Int? {
        guard let value = optional(key) else { return nil }
        guard let number = value.intValue else { throw mistyped(key, "an integer", value) }
        return number
    }

    func optionalDouble(_ key: String) throws(AnthropicError) -> Double? {
        guard let value = optional(key) else { return nil }
        guard let number = value.doubleValue else { throw mistyped(key, "a number", value) }
        guard number.isFinite else { throw Self.problem(fieldPath(key), "must be a finite number") }
        return number
    }

    func optionalArray(_ key: String) throws(AnthropicError) -> [JSONValue]? {
        guard let value = optional(key) else { return nil }
        guard let elements = value.arrayValue else { throw mistyped(key, "an array", value) }
        return elements
    }

    private func mistyped(_ key: String, _ expected: String, _ value: JSONValue) -> AnthropicError {
        Self.problem(fieldPath(key), "must be \(expected), not \(value.typeName)")
    }
}
