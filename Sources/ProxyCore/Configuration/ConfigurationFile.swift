import Yams

/// The settings a configuration file sets, from YAML or JSON text (see
/// `anthropic-proxy.example.yaml`), by setting key: `server.port`, `channels.work.base_url`.
///
/// The file is read into one tree whichever its format, so YAML and JSON files mean the same;
/// every value is taken as text, as a variable's would be, and validated as one. A value's
/// `${NAME}` is replaced by the variable NAME. Errors name the file and the key, never a value.
package struct ConfigurationFile: Sendable {
    package enum Format: Sendable {
        case yaml, json

        /// JSON for a `.json` name, YAML otherwise.
        package init(path: String) {
            self = path.lowercased().hasSuffix(".json") ? .json : .yaml
        }
    }

    /// The path as the user gave it, for messages and provenance.
    package let path: String
    /// Values by setting key; lists are joined with commas, maps written `name=value,...`, as a
    /// variable would hold them.
    package let values: [String: String]
    /// The channels the file sets anything for, lower-cased.
    package let channelNames: [String]

    /// - Parameter variables: what `${NAME}` may name (the environment, over `.env`).
    package init(path: String, text: String, format: Format? = nil, variables: [String: String]) throws(ConfigurationError) {
        self.path = path
        let tree = try Self.tree(text, format: format ?? Format(path: path), path: path)
        guard case .object(let root) = tree else {
            throw ConfigurationError(variable: path, problem: "must be a mapping of settings (see anthropic-proxy.example.yaml)")
        }
        var reader = TreeReader(path: path, variables: variables)
        try reader.readGroup(root, at: [])
        values = reader.values
        channelNames = reader.channelNames.sorted()
    }

    private static func tree(_ text: String, format: Format, path: String) throws(ConfigurationError) -> JSONValue {
        switch format {
        case .json:
            do {
                return try JSONParser.parse(text)
            } catch {
                let (line, column) = position(ofByte: error.offset, in: text)
                throw ConfigurationError(variable: path, problem: "not valid JSON: line \(line), column \(column): \(error.reason)")
            }
        case .yaml:
            do {
                guard let node = try Yams.compose(yaml: text) else { return .object([:]) }
                return try yamlValue(node, path: path)
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw ConfigurationError(variable: path, problem: "not valid YAML: \(yamlProblem(error))")
            }
        }
    }

    /// A YAML node as the tree JSON gives: scalars as strings, `null` and `~` as null.
    private static func yamlValue(_ node: Node, path: String) throws(ConfigurationError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            return node.null != nil ? .null : .string(scalar.string)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for element in sequence { elements.append(try yamlValue(element, path: path)) }
            return .array(elements)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    throw ConfigurationError(variable: path, problem: "line \(key.mark?.line ?? 0): keys must be names")
                }
                object.append(name, try yamlValue(value, path: path))
            }
            return .object(object)
        case .alias:
            throw ConfigurationError(variable: path, problem: "line \(node.mark?.line ?? 0): aliases are not supported")
        }
    }

    /// Where and what, without the text around it (which may hold a key).
    private static func yamlProblem(_ error: any Error) -> String {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)" + (context.map { " (\($0.text))" } ?? "")
        case .reader(let problem, _, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "line \(context.mark.line): \(duplicates.joined(separator: ", ")) set twice"
        default:
            return "the text cannot be read"
        }
    }

    private static func position(ofByte offset: Int, in text: String) -> (line: Int, column: Int) {
        var (line, column) = (1, 1)
        for byte in text.utf8.prefix(offset) {
            (line, column) = byte == UInt8(ascii: "\n") ? (line + 1, 1) : (line, column + 1)
        }
        return (line, column)
    }
}

/// Walks a file's tree, turning each setting's value into text.
private struct TreeReader {
    let path: String
    let variables: [String: String]
    var values: [String: String] = [:]
    var channelNames: Set<String> = []

    mutating func readGroup(_ group: JSONObject, at groupPath: [String]) throws(ConfigurationError) {
        for (name, value) in group.members {
            let keyPath = groupPath + [name]
            if let setting = ConfigurationSetting.named(keyPath: keyPath) {
                try read(value, for: setting, at: keyPath)
            } else if ConfigurationSetting.isGroup(keyPath) {
                if groupPath == ["channels"], name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                    throw error(keyPath, "a channel's name takes letters, digits and _")
                }
                switch value {
                case .object(let members): try readGroup(members, at: keyPath)
                case .null: continue
                default: throw error(keyPath, "is a group of settings, not a value")
                }
            } else if let moved = Self.movedKeys[keyPath.joined(separator: ".")] {
                throw error(keyPath, "is now \(moved); rename it there")
            } else {
                throw error(keyPath, "is not a setting (see anthropic-proxy.example.yaml)")
            }
        }
    }

    /// Keys earlier releases read, by the key that replaced them.
    private static let movedKeys = ["models.web_search": "routes.web_search"]

    private mutating func read(_ value: JSONValue, for setting: ConfigurationSetting, at keyPath: [String]) throws(ConfigurationError) {
        let text: String
        switch (value, setting.shape) {
        case (.null, _):
            return
        case (.array(let elements), .list):
            var parts: [String] = []
            for element in elements { parts.append(try scalar(element, at: keyPath, expecting: "a list of values")) }
            text = parts.joined(separator: ",")
        case (.object(let entries), .map), (.object(let entries), .records):
            var parts: [String] = []
            for (name, entry) in entries.members { parts.append("\(name)=\(try mapEntry(entry, shape: setting.shape, at: keyPath + [name]))") }
            text = parts.joined(separator: ",")
        case (.array, _):
            throw error(keyPath, "takes one value, not a list")
        case (.object, _):
            throw error(keyPath, setting.shape == .list ? "takes a value or a list, not a mapping" : "takes a value, not a mapping")
        default:
            text = try scalar(value, at: keyPath, expecting: "a value")
        }
        guard values.updateValue(text, forKey: setting.key) == nil else { throw error(keyPath, "is set twice") }
        if keyPath.first == "channels" { channelNames.insert(keyPath[1].lowercased()) }
    }

    /// A map's entry as a variable writes it: a number, or a record's mapping in its slash form
    /// (`2/8/0.5`), fields left out left empty (a record written as text is taken as it is).
    private func mapEntry(_ value: JSONValue, shape: ConfigurationSetting.Shape, at keyPath: [String]) throws(ConfigurationError) -> String {
        guard case .records(let fields) = shape else { return try scalar(value, at: keyPath, expecting: "a number") }
        guard case .object(let members) = value else {
            return try scalar(value, at: keyPath, expecting: "a mapping of \(fields.joined(separator: ", ")) or \(fields.joined(separator: "/"))")
        }
        var values = Array(repeating: "", count: fields.count)
        for (field, fieldValue) in members.members {
            guard let index = fields.firstIndex(of: field) else {
                throw error(keyPath + [field], "is not one of \(fields.joined(separator: ", "))")
            }
            values[index] = try scalar(fieldValue, at: keyPath + [field], expecting: "a number")
        }
        while values.last == "" { values.removeLast() }
        return values.joined(separator: "/")
    }

    private func scalar(_ value: JSONValue, at keyPath: [String], expecting: String) throws(ConfigurationError) -> String {
        switch value {
        case .string(let text): return try expandingVariables(text, at: keyPath)
        case .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null, .array, .object: throw error(keyPath, "takes \(expecting)")
        }
    }

    /// Replaces each `${NAME}` with the variable NAME.
    private func expandingVariables(_ text: String, at keyPath: [String]) throws(ConfigurationError) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { throw error(keyPath, "has a '${' without its '}'") }
            let name = String(rest[start.upperBound..<end])
            guard let value = variables[name] else { throw error(keyPath, "${\(name)} is not set in the environment") }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    private func error(_ keyPath: [String], _ problem: String) -> ConfigurationError {
        ConfigurationError(variable: "\(path): \(keyPath.joined(separator: "."))", problem: problem)
    }
}
