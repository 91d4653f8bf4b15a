import Foundation
import ProxyCore

/// Rejects `GenerateContentRequest`s the way the Gemini API does, with its wording, so that
/// end-to-end tests fail on anything Gemini would refuse: unknown fields (its parser's
/// `Unknown name ... Cannot find field`), roles other than user and model, empty parts, turns that
/// do not alternate, function responses that do not answer the calls before them, schema keywords
/// the `Schema` message has no field for, output ceilings, thinking settings the model does not
/// take, Gemini 3 function calls without the signature Gemini issued, built-in tools beside
/// function declarations before Gemini 3 (or on Gemini 3 without server-side invocations asked
/// for), and response schemas without JSON asked for.
struct StrictGeminiValidator {
    /// Output ceilings by model; a model not listed does not exist.
    static let outputCeilings: [String: Int] = [
        "gemini-2.0-flash": 8_192, "gemini-2.5-pro": 65_536, "gemini-2.5-flash": 65_536, "gemini-2.5-flash-lite": 65_536,
        "gemini-3-pro-preview": 65_536, "gemini-3-flash-preview": 65_536,
    ]

    static let skipValidator = "skip_thought_signature_validator"

    static let requestFields: Set<String> = ["contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "safetySettings", "cachedContent"]
    static let generationFields: Set<String> = [
        "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "candidateCount", "maxOutputTokens", "temperature", "topP",
        "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs", "thinkingConfig", "mediaResolution",
    ]
    static let partFields: Set<String> = [
        "text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult", "thought", "thoughtSignature",
        "videoMetadata",
    ]
    static let dataFields: Set<String> = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"]
    static let declarationFields: Set<String> = ["name", "description", "parameters", "parametersJsonSchema", "response", "responseJsonSchema", "behavior"]
    /// The fields of the `Tool` message, and of the built-in tools the proxy sends.
    static let toolFields: Set<String> = [
        "functionDeclarations", "googleSearchRetrieval", "codeExecution", "googleSearch", "computerUse", "urlContext", "fileSearch", "googleMaps",
    ]
    static let builtInToolFields: Set<String> = [
        "googleSearchRetrieval", "codeExecution", "googleSearch", "computerUse", "urlContext", "fileSearch", "googleMaps",
    ]
    static let googleSearchFields: Set<String> = ["timeRangeFilter"]
    static let toolConfigFields: Set<String> = ["functionCallingConfig", "retrievalConfig", "includeServerSideToolInvocations"]
    /// The fields of the `Schema` message (ai.google.dev/api/caching#Schema).
    static let schemaFields: Set<String> = [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required", "minProperties",
        "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum",
    ]

    let model: String
    /// Whether a signature (base64, either alphabet) is one the fake issued.
    let isIssued: (String) -> Bool
    /// Vertex AI's rules: Google Search takes excluded domains, and never joins function declarations.
    var onVertex = false

    /// `nil` when the request is acceptable, else the error message.
    func problem(with body: JSONValue) -> String? {
        guard case .object(let object) = body else { return "Invalid JSON payload received." }
        for key in object.keys where !Self.requestFields.contains(key) {
            return "Invalid JSON payload received. Unknown name \"\(key)\": Cannot find field."
        }
        guard let contents = object["contents"]?.arrayValue, !contents.isEmpty else {
            return "* GenerateContentRequest.contents: contents is not specified"
        }
        if let problem = problem(withContents: contents) { return problem }
        if let system = object["systemInstruction"] {
            guard let parts = system["parts"]?.arrayValue, !parts.isEmpty else { return "* GenerateContentRequest.system_instruction.parts: must not be empty" }
            if let problem = problem(withParts: parts, at: "system_instruction") { return problem }
        }
        let tools = object["tools"]?.arrayValue ?? []
        if let problem = problem(withTools: tools, config: object["toolConfig"]) { return problem }
        let declared = tools.flatMap { $0["functionDeclarations"]?.arrayValue ?? [] }
        for (index, declaration) in declared.enumerated() {
            if let problem = problem(withDeclaration: declaration, at: "tools[0].function_declarations[\(index)]") { return problem }
        }
        if let config = object["toolConfig"]?["functionCallingConfig"] {
            guard let mode = config["mode"]?.stringValue, ["AUTO", "ANY", "NONE", "VALIDATED"].contains(mode) else {
                return "Invalid value at 'tool_config.function_calling_config.mode'"
            }
            let names = declared.compactMap { $0["name"]?.stringValue }
            for name in config["allowedFunctionNames"]?.arrayValue ?? [] {
                guard mode == "ANY" else { return "* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY" }
                guard let name = name.stringValue, names.contains(name) else { return "* allowed_function_names: function \(name) is not declared" }
            }
        }
        return problem(withGenerationConfig: object["generationConfig"]?.objectValue ?? [:])
    }

    // MARK: - Contents

    private func problem(withContents contents: [JSONValue]) -> String? {
        var previousRole: String?
        var pendingCalls: [String] = []
        for (index, content) in contents.enumerated() {
            let role = content["role"]?.stringValue ?? ""
            guard role == "user" || role == "model" else { return "Please use a valid role: user, model." }
            guard let parts = content["parts"]?.arrayValue, !parts.isEmpty else {
                return "* GenerateContentRequest.contents[\(index)].parts: contents.parts must not be empty."
            }
            if role == previousRole { return "Please ensure that multiturn requests alternate between user and model." }
            previousRole = role
            if let problem = problem(withParts: parts, at: "contents[\(index)]") { return problem }
            let calls = parts.compactMap { $0["functionCall"]?["name"]?.stringValue }
            let responses = parts.compactMap { $0["functionResponse"]?["name"]?.stringValue }
            if role == "user" {
                if !responses.isEmpty || !pendingCalls.isEmpty {
                    guard responses.count == pendingCalls.count else {
                        return "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn."
                    }
                    guard responses == pendingCalls else { return "Function response names must match the function call names of the function call turn." }
                }
                pendingCalls = []
            } else {
                if index == 0, !calls.isEmpty {
                    return "Please ensure that function call turn comes immediately after a user turn or after a function response turn."
                }
                pendingCalls = calls
                if let problem = problem(withSignaturesIn: parts, at: index) { return problem }
            }
        }
        return nil
    }

    /// Gemini 3 checks the first call of each step for its signature; every signature sent must be
    /// one Gemini issued (compared as bytes: clients may send them in URL-safe base64), or the
    /// documented stand-in.
    private func problem(withSignaturesIn parts: [JSONValue], at index: Int) -> String? {
        for part in parts {
            guard let signature = part["thoughtSignature"]?.stringValue else { continue }
            if signature != Self.skipValidator, !isIssued(signature) { return "Corrupted thought signature." }
        }
        guard model.hasPrefix("gemini-3"), let position = parts.firstIndex(where: { $0["functionCall"] != nil }) else { return nil }
        guard parts[position]["thoughtSignature"] == nil else { return nil }
        let name = parts[position]["functionCall"]?["name"]?.stringValue ?? ""
        return "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing "
            + "thought_signature may lead to degraded model performance. Additional data, function call `default_api:\(name)` , position \(index + 1). "
            + "Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details."
    }

    private func problem(withParts parts: [JSONValue], at path: String) -> String? {
        for (index, part) in parts.enumerated() {
            guard case .object(let object) = part else { return "Invalid value at '\(path).parts[\(index)]'" }
            for key in object.keys where !Self.partFields.contains(key) {
                return "Invalid JSON payload received. Unknown name \"\(key)\" at '\(path).parts[\(index)]': Cannot find field."
            }
            let data = object.keys.filter { Self.dataFields.contains($0) }
            if data.isEmpty { return "* GenerateContentRequest.\(path).parts[\(index)].data: required oneof field 'data' must have one initialized field" }
            if data.count > 1 { return "Invalid value at '\(path).parts[\(index)]': oneof field 'data' is already set." }
            if let text = object["text"] {
                guard let string = text.stringValue, !string.isEmpty else {
                    return "Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again."
                }
            }
            if let inline = object["inlineData"], inline["mimeType"]?.stringValue == nil || (inline["data"]?.stringValue ?? "").isEmpty {
                return "* GenerateContentRequest.\(path).parts[\(index)].inline_data: mime_type and data are required"
            }
            if let call = object["functionCall"], call["name"]?.stringValue == nil || (call["args"] != nil && call["args"]?.objectValue == nil) {
                return "Invalid value at '\(path).parts[\(index)].function_call'"
            }
            if let response = object["functionResponse"], response["name"]?.stringValue == nil || response["response"]?.objectValue == nil {
                return "Invalid value at '\(path).parts[\(index)].function_response.response' (type.googleapis.com/google.protobuf.Struct)"
            }
            if let signature = object["thoughtSignature"], signature.stringValue.map({ Self.bytes(ofBase64: $0) == nil }) ?? true {
                return "Invalid value at '\(path).parts[\(index)].thought_signature' (TYPE_BYTES), Base64 decoding failed"
            }
        }
        return nil
    }

    // MARK: - Tools

    /// Unknown fields in a tool or the tool config; built-in tools beside function declarations,
    /// which only Gemini 3 takes, and only when told to report its own calls
    /// (ai.google.dev/gemini-api/docs/tool-combination).
    private func problem(withTools tools: [JSONValue], config: JSONValue?) -> String? {
        for (index, tool) in tools.enumerated() {
            guard case .object(let object) = tool else { return "Invalid value at 'tools[\(index)]'" }
            for key in object.keys where !Self.toolFields.contains(key) {
                return "Invalid JSON payload received. Unknown name \"\(key)\" at 'tools[\(index)]': Cannot find field."
            }
            for key in object["googleSearch"]?.objectValue?.keys ?? [] where !(Self.googleSearchFields.contains(key) || onVertex && key == "excludeDomains") {
                return "Invalid JSON payload received. Unknown name \"\(key)\" at 'tools[\(index)].google_search': Cannot find field."
            }
            if let key = object["urlContext"]?.objectValue?.keys.first {
                return "Invalid JSON payload received. Unknown name \"\(key)\" at 'tools[\(index)].url_context': Cannot find field."
            }
        }
        for key in config?.objectValue?.keys ?? [] where !Self.toolConfigFields.contains(key) {
            return "Invalid JSON payload received. Unknown name \"\(key)\" at 'tool_config': Cannot find field."
        }
        let hasBuiltIns = tools.contains { $0.objectValue?.keys.contains(where: Self.builtInToolFields.contains) == true }
        let hasFunctions = tools.contains { $0["functionDeclarations"] != nil }
        guard hasBuiltIns, hasFunctions else { return nil }
        if onVertex { return "Multiple tools are supported only when they are all search tools." }
        guard model.hasPrefix("gemini-3") else { return "Tool use with function calling is unsupported" }
        guard config?["includeServerSideToolInvocations"] == true else {
            return "Built-in tools and function calling can be combined only with tool_config.include_server_side_tool_invocations enabled."
        }
        return nil
    }

    private func problem(withDeclaration declaration: JSONValue, at path: String) -> String? {
        guard case .object(let object) = declaration else { return "Invalid value at '\(path)'" }
        for key in object.keys where !Self.declarationFields.contains(key) {
            return "Invalid JSON payload received. Unknown name \"\(key)\" at '\(path)': Cannot find field."
        }
        let name = object["name"]?.stringValue ?? ""
        let nameIsValid =
            !name.isEmpty && name.utf8.count <= 64 && (name.first!.isLetter || name.first == "_")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.:-".contains($0)) }
        guard nameIsValid else {
            return "* GenerateContentRequest.\(path).name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64."
        }
        if object["parameters"] != nil, object["parametersJsonSchema"] != nil {
            return "* GenerateContentRequest.\(path): parameters and parameters_json_schema are mutually exclusive"
        }
        if let schema = object["parametersJsonSchema"] {
            guard schema["type"] == "object" else { return "* GenerateContentRequest.\(path).parameters_json_schema: the schema must describe an object" }
        }
        if let parameters = object["parameters"] {
            if let problem = problem(withSchema: parameters, at: "\(path).parameters") { return problem }
            guard let properties = parameters["properties"]?.objectValue, !properties.isEmpty else {
                return "* GenerateContentRequest.\(path).parameters.properties: should be non-empty for OBJECT type"
            }
        }
        return nil
    }

    private func problem(withSchema schema: JSONValue, at path: String) -> String? {
        guard case .object(let object) = schema else { return "Invalid value at '\(path)'" }
        for key in object.keys where !Self.schemaFields.contains(key) {
            return "Invalid JSON payload received. Unknown name \"\(key)\" at '\(path)': Cannot find field."
        }
        if let type = object["type"] {
            guard let name = type.stringValue else {
                return "Invalid JSON payload received. Unknown name \"type\" at '\(path)': Proto field is not repeating, cannot start list."
            }
            guard ["string", "number", "integer", "boolean", "array", "object", "null"].contains(name.lowercased()) else {
                return "Invalid value at '\(path).type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), \"\(name)\""
            }
            if object["items"] != nil, name.lowercased() != "array" {
                return "* GenerateContentRequest.\(path).items: field predicate failed: $type == Type.ARRAY"
            }
            if let format = object["format"]?.stringValue, name.lowercased() == "string", !["enum", "date-time"].contains(format) {
                return "* GenerateContentRequest.\(path).format: only 'enum' and 'date-time' are supported for STRING type"
            }
        }
        for (index, value) in (object["enum"]?.arrayValue ?? []).enumerated() where value.stringValue == nil {
            return "Invalid value at '\(path).enum[\(index)]' (TYPE_STRING), \(JSONWriter.string(value))"
        }
        for member in object["properties"]?.objectValue?.members ?? [] {
            if let problem = problem(withSchema: member.value, at: "\(path).properties[\(member.key)].value") { return problem }
        }
        if let items = object["items"], let problem = problem(withSchema: items, at: "\(path).items") { return problem }
        for (index, branch) in (object["anyOf"]?.arrayValue ?? []).enumerated() {
            if let problem = problem(withSchema: branch, at: "\(path).any_of[\(index)]") { return problem }
        }
        return nil
    }

    // MARK: - Generation

    private func problem(withGenerationConfig config: JSONObject) -> String? {
        for key in config.keys where !Self.generationFields.contains(key) {
            return "Invalid JSON payload received. Unknown name \"\(key)\" at 'generation_config': Cannot find field."
        }
        if let tokens = config["maxOutputTokens"]?.intValue, let ceiling = Self.outputCeilings[model], tokens > ceiling || tokens < 1 {
            return "Unable to submit request because it has a maxOutputTokens value of \(tokens) but the supported range is from 1 (inclusive) to \(ceiling + 1) (exclusive). Update the value and try again."
        }
        if (config["stopSequences"]?.arrayValue?.count ?? 0) > 5 { return "* GenerateContentRequest.generation_config.stop_sequences: at most 5 stop sequences" }
        if let problem = problem(withResponseSchemaIn: config) { return problem }
        guard let thinking = config["thinkingConfig"]?.objectValue else { return nil }
        for key in thinking.keys where !["thinkingBudget", "thinkingLevel", "includeThoughts"].contains(key) {
            return "Invalid JSON payload received. Unknown name \"\(key)\" at 'generation_config.thinking_config': Cannot find field."
        }
        if thinking["thinkingBudget"] != nil, thinking["thinkingLevel"] != nil { return "You can only set only one of thinking budget and thinking level." }
        if let level = thinking["thinkingLevel"]?.stringValue {
            guard model.hasPrefix("gemini-3") else { return "Thinking level is not supported for this model." }
            let levels = model.contains("flash") ? ["minimal", "low", "medium", "high"] : ["low", "high"]
            guard levels.contains(level.lowercased()) else { return "Thinking level \(level.uppercased()) is not supported for this model." }
        }
        if let budget = thinking["thinkingBudget"]?.intValue, budget != -1 {
            let range: ClosedRange<Int>
            switch model {
            case "gemini-2.5-pro": range = 128...32_768
            case "gemini-2.5-flash-lite": range = budget == 0 ? 0...0 : 512...24_576
            case "gemini-2.5-flash": range = 0...24_576
            default: return nil
            }
            if budget == 0, model == "gemini-2.5-pro" { return "Budget 0 is invalid. This model only works in thinking mode." }
            guard range.contains(budget) else {
                return "The thinking budget \(budget) is invalid. Please choose a value between \(range.lowerBound) and \(range.upperBound)."
            }
        }
        return nil
    }

    /// A response schema in one field only, in the `Schema` message's fields when in `responseSchema`,
    /// and only with JSON asked for.
    private func problem(withResponseSchemaIn config: JSONObject) -> String? {
        if config["responseSchema"] != nil, config["responseJsonSchema"] != nil {
            return "* GenerateContentRequest.generation_config: response_schema and response_json_schema are mutually exclusive"
        }
        if let mimeType = config["responseMimeType"] {
            let mimeTypes = ["text/plain", "application/json", "application/xml", "application/yaml", "text/x.enum"]
            guard let name = mimeType.stringValue, mimeTypes.contains(name) else {
                return "* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are `text/plain`, `application/json`, `application/xml`, `application/yaml` and `text/x.enum`."
            }
        }
        guard config["responseSchema"] != nil || config["responseJsonSchema"] != nil else { return nil }
        guard config["responseMimeType"] == "application/json" else {
            return "* GenerateContentRequest.generation_config.response_mime_type: must be application/json when a response schema is set"
        }
        if let schema = config["responseSchema"] { return problem(withSchema: schema, at: "generation_config.response_schema") }
        return nil
    }

    /// The bytes of base64 in either alphabet, padded or not; `nil` when it is not base64.
    static func bytes(ofBase64 text: String) -> Data? {
        var standard = text.replacing("-", with: "+").replacing("_", with: "/").filter { $0 != "=" }
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard)
    }
}
