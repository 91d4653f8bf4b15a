/// Translates an Anthropic Messages request into a Gemini `GenerateContentRequest` body
/// (ai.google.dev/api/generate-content).
///
/// Only fields the Gemini API defines are written; Anthropic-only fields never reach it, and what
/// it cannot take is a 400 naming the block, never silently dropped.
package struct GeminiRequestTranslator: Sendable {
    /// Gemini takes at most this many stop sequences.
    static let maximumStopSequences = 5

    /// Whether the request's stop sequences go to Gemini; the proxy ends the reply at more than
    /// it takes itself.
    package static func sendsStopSequences(of request: MessagesRequest) -> Bool {
        !request.stopSequences.isEmpty && request.stopSequences.count <= maximumStopSequences
    }

    private let model: String
    private let profile: ModelProfile
    private let family: GeminiModelFamily
    private let onVertex: Bool

    /// - Parameters:
    ///   - model: the upstream model name.
    ///   - profile: what the catalog knows about it (its output ceiling).
    ///   - onVertex: the request goes to Vertex AI, which takes Google Search with excluded domains,
    ///     and never beside function declarations.
    package init(model: String, profile: ModelProfile, onVertex: Bool = false) {
        self.model = model
        self.profile = profile
        var family = GeminiModelFamily(model: model)
        if onVertex { family.combinesBuiltInToolsWithFunctions = false }
        self.family = family
        self.onVertex = onVertex
    }

    package func translate(_ request: MessagesRequest) throws(AnthropicError) -> JSONValue {
        let (contents, system, _) = try contents(request)
        var body = promptBody(request, contents: contents, system: system)
        body.append("generationConfig", .object(try generationConfig(request)))
        return .object(body)
    }

    /// What `translate` gives, written. From a conversation's second turn on, each message's parts
    /// are taken from what was kept for it (see `keptContents`).
    package func encode(_ request: MessagesRequest, reusing strings: JSONStringEscapes) throws(AnthropicError) -> WrittenJSON {
        guard let (contents, system) = try keptContents(request, reusing: strings) else {
            return WrittenJSON(JSONWriter.encode(try translate(request), reusing: strings))
        }
        let body = try bodyAround(request, system: system)
        return JSONWriter.encode(body, appending: contents.groups.lazy.map(Self.pieces), toArrayAt: "contents", reusing: strings)
    }

    /// What `translate` gives, its contents apart: the body with `contents` empty, each content
    /// written (from what was kept for its messages, as `encode` takes them), and for each the
    /// index of the last message it holds (consecutive messages of one role share a content;
    /// system messages and empty ones have none). An explicit prompt cache is cut between contents.
    package func writtenContents(
        _ request: MessagesRequest, reusing strings: JSONStringEscapes?
    ) throws(AnthropicError) -> (body: JSONObject, contents: [ExplicitCachePrefix.Content], contentOrigins: [Int]) {
        if let strings, let (contents, system) = try keptContents(request, reusing: strings) {
            let written = contents.groups.map { content in
                let pieces = Self.pieces(content)
                // One message's parts, kept with it, make the content: its hashing is kept there too.
                guard content.parts.count == 1, let message = request.decodedMessages?[content.lastMessage] else {
                    return ExplicitCachePrefix.Content(pieces: pieces)
                }
                return ExplicitCachePrefix.Content(pieces: pieces, madeOf: content.parts[0], memo: message.sent)
            }
            return (try bodyAround(request, system: system), written, contents.groups.map(\.lastMessage))
        }
        let (contents, system, origins) = try contents(request)
        let written = (contents.arrayValue ?? []).map { ExplicitCachePrefix.Content(pieces: [JSONWriter.encode($0, reusing: strings)]) }
        return (try bodyAround(request, system: system), written, origins)
    }

    /// The body with `contents` empty, for contents written apart.
    private func bodyAround(_ request: MessagesRequest, system: [JSONValue]) throws(AnthropicError) -> JSONObject {
        var body = promptBody(request, contents: [], system: system)
        body.append("generationConfig", .object(try generationConfig(request)))
        return body
    }

    /// Each message's parts as written before in its context, grouped into contents (see
    /// `TranslatedMessageCache`: they depend on the message and on that context only, for tool
    /// results the names of the functions they answer); and the system instruction's parts. Nil
    /// on a conversation's first turn, which is written straight.
    private func keptContents(
        _ request: MessagesRequest, reusing strings: JSONStringEscapes
    ) throws(AnthropicError) -> (contents: Contents<[UInt8]>, system: [JSONValue])? {
        let kept = strings.translatedMessages
        guard kept.keepsMessages(of: request, context: modelContext) else { return nil }
        var system = Self.systemPrompt(request)
        var contents = Contents<[UInt8]>()
        try forEachMessage(of: request, system: &system) { index, message, role, functionNames throws(AnthropicError) in
            let parts: [UInt8]
            if role == Self.modelRole {
                parts = try kept.fragment(of: request, at: index, context: modelContext) { () throws(AnthropicError) in modelParts(message.content) }
            } else {
                parts = try kept.fragment(of: request, at: index, context: Self.userContext(of: message, functionNames: functionNames)) {
                    () throws(AnthropicError) in try Self.userParts(message.content, path: "messages.\(index).content", functionNames: functionNames)
                }
            }
            contents.add(CollectionOfOne(parts), isEmpty: parts.isEmpty, role: role, message: index)
        }
        guard !contents.groups.isEmpty else { throw Self.everyMessageIsEmpty }
        return (contents, system)
    }

    /// A content whose messages' parts were written apart, as `translate` writes it, in pieces:
    /// the opening, its messages' parts with commas between them, the closing.
    private static func pieces(_ content: (role: String, parts: [[UInt8]], lastMessage: Int)) -> [[UInt8]] {
        var pieces = [content.role == modelRole ? modelContentOpening : userContentOpening]
        pieces.reserveCapacity(2 * content.parts.count + 1)
        for (index, parts) in content.parts.enumerated() {
            if index > 0 { pieces.append(JSONWriter.comma) }
            pieces.append(parts)
        }
        pieces.append(contentClosing)
        return pieces
    }

    /// A content as `translate` writes it, up to its parts, and after them.
    private static let modelContentOpening = Array(#"{"role":"model","parts":["#.utf8)
    private static let userContentOpening = Array(#"{"role":"user","parts":["#.utf8)
    private static let contentClosing = Array("]}".utf8)

    /// Everything a model message's translation reads besides the message.
    private var modelContext: String {
        "gemini\u{0}model\u{0}\(family.requiresThoughtSignatures)"
    }

    /// Everything a user message's translation reads besides the message: the names of the
    /// functions its results answer (empty for one answering no call, which does not translate).
    private static func userContext(of message: MessagesRequest.Message, functionNames: [String: String]) -> String {
        var context = "gemini\u{0}user"
        for case .toolResult(let id, _, _) in message.content { context += "\u{0}\(functionNames[id] ?? "")" }
        return context
    }

    /// The body of `models/{model}:countTokens`: the request's prompt, system instruction and
    /// tools as a `generateContentRequest`, so that all of them are counted.
    package func countTokensBody(_ request: MessagesRequest) throws(AnthropicError) -> JSONValue {
        var prompt = JSONObject()
        prompt.append("model", .string(model.contains("/") ? model : "models/\(model)"))
        let (contents, system, _) = try contents(request)
        for member in promptBody(request, contents: contents, system: system).members { prompt.append(member.key, member.value) }
        return ["generateContentRequest": .object(prompt)]
    }

    /// Contents, system instruction, tools and tool config.
    private func promptBody(_ request: MessagesRequest, contents: JSONValue, system: [JSONValue]) -> JSONObject {
        var body = JSONObject()
        body.append("contents", contents)
        if !system.isEmpty { body.append("systemInstruction", ["parts": .array(system)]) }
        let builtIns = builtInTools(request)
        // Before Gemini 3 the API refuses built-in tools beside function declarations (400). There
        // the search or fetch is sent alone, and the function calling config goes with the
        // declarations: a client declares Anthropic's server tools to have this answer grounded,
        // and Claude Code's WebSearch side request holds no client tools at all.
        let functions = builtIns.isEmpty || family.combinesBuiltInToolsWithFunctions ? request.tools : []
        var tools: [JSONValue] = []
        var toolConfig = JSONObject()
        if !functions.isEmpty {
            tools.append(["functionDeclarations": .array(functions.map(functionDeclaration))])
            if let choice = request.toolChoice { toolConfig.append("functionCallingConfig", Self.functionCallingConfig(choice)) }
            // Gemini 3 takes the mix only when asked to report its own tool calls in the reply.
            if !builtIns.isEmpty { toolConfig.append("includeServerSideToolInvocations", true) }
        }
        tools += builtIns
        if !tools.isEmpty { body.append("tools", .array(tools)) }
        if !toolConfig.isEmpty { body.append("toolConfig", .object(toolConfig)) }
        return body
    }

    // MARK: - Contents

    /// The conversation as `user` and `model` contents, consecutive turns of one role merged (the
    /// API wants them alternating) and empty ones left out; the system instruction's parts (see
    /// `forEachMessage`); and for each content the index of the last message it holds.
    private func contents(_ request: MessagesRequest) throws(AnthropicError) -> (JSONValue, [JSONValue], origins: [Int]) {
        var system = Self.systemPrompt(request)
        var contents = Contents<JSONValue>()
        try forEachMessage(of: request, system: &system) { index, message, role, functionNames throws(AnthropicError) in
            let parts =
                role == Self.modelRole
                ? modelParts(message.content) : try Self.userParts(message.content, path: "messages.\(index).content", functionNames: functionNames)
            contents.add(parts, isEmpty: parts.isEmpty, role: role, message: index)
        }
        guard !contents.groups.isEmpty else { throw Self.everyMessageIsEmpty }
        let values: [JSONValue] = contents.groups.map { ["role": .string($0.role), "parts": .array($0.parts)] }
        return (.array(values), system, contents.groups.map(\.lastMessage))
    }

    private static let modelRole = "model"
    private static let everyMessageIsEmpty = AnthropicError.invalidRequest("messages: every message is empty; Gemini needs at least one with content")

    /// The system prompt's text blocks as parts of the system instruction.
    private static func systemPrompt(_ request: MessagesRequest) -> [JSONValue] {
        request.system.filter { !$0.isEmpty }.map { ["text": .string($0)] }
    }

    /// Calls `step` with each `user` and `assistant` message, its role in Gemini's terms and the
    /// upstream function name of every `tool_use` before it (for the results that answer them).
    /// The text of `system`-role messages goes to the system instruction's parts instead, where it
    /// keeps its meaning as instructions (Gemini has no system role inside `contents`).
    private func forEachMessage(
        of request: MessagesRequest, system: inout [JSONValue],
        _ step: (Int, MessagesRequest.Message, String, [String: String]) throws(AnthropicError) -> Void
    ) throws(AnthropicError) {
        var functionNames: [String: String] = [:]
        for (index, message) in request.messages.enumerated() {
            switch message.role {
            case .system:
                system += try Self.systemParts(message.content, path: "messages.\(index).content")
            case .assistant:
                try step(index, message, Self.modelRole, functionNames)
                for case .toolUse(let id, let name, _) in message.content { functionNames[id] = ToolNameMapping.upstreamName(for: name) }
            case .user:
                try step(index, message, "user", functionNames)
            }
        }
    }

    /// Messages' parts grouped into contents: consecutive messages of one role share one (the API
    /// wants them alternating); a message without parts has none.
    private struct Contents<Part> {
        var groups: [(role: String, parts: [Part], lastMessage: Int)] = []

        mutating func add(_ parts: some Collection<Part>, isEmpty: Bool, role: String, message index: Int) {
            guard !isEmpty else { return }
            if groups.last?.role == role {
                groups[groups.count - 1].parts.append(contentsOf: parts)
                groups[groups.count - 1].lastMessage = index
            } else {
                groups.append((role, Array(parts), index))
            }
        }
    }

    private static func systemParts(_ blocks: [ContentBlock], path: String) throws(AnthropicError) -> [JSONValue] {
        var parts: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            guard case .text(let text) = block else { throw .invalidRequest("\(path).\(index): system messages may hold only text") }
            if !text.isEmpty { parts.append(["text": .string(text)]) }
        }
        return parts
    }

    /// Text, function calls with their restored signatures, and thought parts whose signature
    /// Gemini issued. A step's first call must carry a signature for Gemini 3: one from another
    /// model (or lost by the client) gets Google's documented stand-in.
    private func modelParts(_ blocks: [ContentBlock]) -> [JSONValue] {
        var parts: [JSONValue] = []
        var isFirstCall = true
        for block in blocks {
            switch block {
            case .text(let text) where !text.isEmpty:
                parts.append(["text": .string(text)])
            case .thinking(let text, let signature):
                guard !text.isEmpty, let thoughtSignature = GeminiThoughtSignature.signature(inThinkingSignature: signature) else { continue }
                parts.append(["text": .string(text), "thought": true, "thoughtSignature": .string(thoughtSignature)])
            case .toolUse(let id, let name, let input):
                var part: JSONObject = ["functionCall": ["name": .string(ToolNameMapping.upstreamName(for: name)), "args": input]]
                var signature = GeminiThoughtSignature.signature(inToolUseID: id)
                if signature == nil, isFirstCall, family.requiresThoughtSignatures { signature = GeminiThoughtSignature.skipValidator }
                if let signature { part["thoughtSignature"] = .string(signature) }
                isFirstCall = false
                parts.append(.object(part))
            default:
                continue
            }
        }
        return parts
    }

    /// Tool results become `functionResponse` parts first, named after the call they answer, with
    /// the result under `output` (or `error` when `is_error`, so the model sees it failed); images
    /// and documents a tool returned follow as parts of their own. Then the rest of the turn.
    private static func userParts(_ blocks: [ContentBlock], path: String, functionNames: [String: String]) throws(AnthropicError) -> [JSONValue] {
        var responses: [JSONValue] = []
        var attachments: [JSONValue] = []
        var parts: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            let blockPath = "\(path).\(index)"
            switch block {
            case .toolResult(let id, let content, let isError):
                guard let name = functionNames[id] else {
                    throw .invalidRequest("\(blockPath).tool_use_id: no earlier tool_use has the id '\(id)' (Gemini needs the function's name for each result)")
                }
                var (text, media) = try ContentBlock.toolResultParts(content, path: blockPath) { item, path throws(AnthropicError) in
                    try part(item, path: path)
                }
                if !media.isEmpty {
                    if text.isEmpty { text = "(see the attached content below)" }
                    attachments.append(["text": .string("Content returned by the \(name) call:")])
                    attachments += media
                }
                let response: JSONValue = isError ? ["error": .string(text)] : ["output": .string(text)]
                responses.append(["functionResponse": ["name": .string(name), "response": response]])
            case .thinking, .redactedThinking:
                continue
            default:
                if let part = try part(block, path: blockPath) { parts.append(part) }
            }
        }
        return responses + attachments + parts
    }

    /// One user part: text, or `inlineData` for base64 images and documents; `nil` for empty text.
    private static func part(_ block: ContentBlock, path: String) throws(AnthropicError) -> JSONValue? {
        switch block {
        case .text(let text):
            return text.isEmpty ? nil : ["text": .string(text)]
        case .image(.base64(let mediaType, let data)), .document(.base64(let mediaType, let data), _):
            return ["inlineData": ["mimeType": .string(mediaType), "data": .string(data)]]
        case .document(.text(let text), let title):
            let full = ContentBlock.documentText(text, title: title)
            return full.isEmpty ? nil : ["text": .string(full)]
        case .image(.url), .document(.url, _):
            throw .invalidRequest("\(path).source: Gemini cannot fetch images or documents by URL; send them as base64")
        case .image(.text), .toolUse, .toolResult, .thinking, .redactedThinking, .citedText, .serverToolUse, .webSearchToolResult, .compaction:
            throw block.misplacedInUserContent(at: path)
        }
    }

    // MARK: - Tools

    /// Gemini's own Google Search for Anthropic's web search and its URL context for web fetch;
    /// none when `tool_choice` is `none`, which forbids every tool. Neither takes a use limit,
    /// domain lists or a location: the reply's results are filtered and capped instead (see
    /// `GeminiReplyContext.serverToolBlocks`).
    /// Google Search for a web search (on Vertex AI with its blocked domains as `excludeDomains`;
    /// the Gemini API has no such field), URL context for a web fetch.
    private func builtInTools(_ request: MessagesRequest) -> [JSONValue] {
        if case .none? = request.toolChoice { return [] }
        var tools: [JSONValue] = []
        if let search = request.webSearch {
            let excluded = onVertex ? search.blockedDomains : []
            tools.append(["googleSearch": excluded.isEmpty ? [:] : ["excludeDomains": .array(excluded.map(JSONValue.string))]])
        }
        if request.webFetch != nil { tools.append(["urlContext": [:]]) }
        return tools
    }

    /// JSON Schema in `parametersJsonSchema` where the model takes it, else the OpenAPI subset in
    /// `parameters` (see `GeminiSchemaSanitizer`).
    private func functionDeclaration(_ tool: MessagesRequest.Tool) -> JSONValue {
        var declaration: JSONObject = ["name": .string(ToolNameMapping.upstreamName(for: tool.name))]
        if let description = tool.description, !description.isEmpty { declaration["description"] = .string(description) }
        if family.takesJSONSchemaParameters {
            declaration["parametersJsonSchema"] = GeminiSchemaSanitizer.jsonSchema(tool.inputSchema)
        } else if let parameters = GeminiSchemaSanitizer.openAPISchema(tool.inputSchema) {
            declaration["parameters"] = parameters
        }
        return .object(declaration)
    }

    /// `tool_choice` auto / any / tool / none → `AUTO` / `ANY` / `ANY` with that name allowed /
    /// `NONE`. Gemini has no switch for parallel calls.
    private static func functionCallingConfig(_ choice: MessagesRequest.ToolChoice) -> JSONValue {
        switch choice {
        case .auto: ["mode": "AUTO"]
        case .any: ["mode": "ANY"]
        case .none: ["mode": "NONE"]
        case .tool(let name): ["mode": "ANY", "allowedFunctionNames": [.string(ToolNameMapping.upstreamName(for: name))]]
        }
    }

    // MARK: - Generation

    private func generationConfig(_ request: MessagesRequest) throws(AnthropicError) -> JSONObject {
        var config = JSONObject()
        config.append("maxOutputTokens", .int(min(request.maxTokens, profile.maxOutputTokens)))
        if let temperature = request.temperature { config.append("temperature", .double(temperature)) }
        if let topP = request.topP { config.append("topP", .double(topP)) }
        if let topK = request.topK { config.append("topK", .int(topK)) }
        if Self.sendsStopSequences(of: request) {
            config.append("stopSequences", .array(request.stopSequences.map(JSONValue.string)))
        }
        if let thinking = thinkingConfig(request) { config.append("thinkingConfig", .object(thinking)) }
        if let schema = request.outputSchema {
            // Structured outputs: the JSON comes back as the reply's text. The schema goes where
            // tool schemas go for this model (see `functionDeclaration`); one with nothing the
            // OpenAPI subset can hold asks for JSON only.
            config.append("responseMimeType", "application/json")
            if family.takesJSONSchemaParameters {
                config.append("responseJsonSchema", GeminiSchemaSanitizer.jsonSchema(schema))
            } else if let openAPISchema = GeminiSchemaSanitizer.openAPISchema(schema) {
                config.append("responseSchema", openAPISchema)
            }
        }
        return config
    }

    /// Thinking as the model family takes it: a budget for Gemini 2.5, a level for Gemini 3, and
    /// thoughts asked back (`includeThoughts`) whenever the client asked for thinking.
    /// `output_config.effort` decides first (low, medium, high, xhigh, max); else the client's budget;
    /// adaptive thinking without an effort leaves the amount to the model. Thinking turned off is
    /// a budget of 0 where the model allows it, else the least it takes.
    private func thinkingConfig(_ request: MessagesRequest) -> JSONObject? {
        let effort = request.effort?.lowercased()
        var config = JSONObject()
        switch family.thinking {
        case .none:
            return nil
        case .budget(let range, let canTurnOff):
            let budget: Int
            switch request.thinking {
            case .disabled: budget = canTurnOff ? 0 : range.lowerBound
            case .enabled(let tokens): budget = Self.budget(effort: effort, range: range) ?? min(max(tokens, range.lowerBound), range.upperBound)
            case .adaptive: budget = Self.budget(effort: effort, range: range) ?? -1
            }
            config.append("thinkingBudget", .int(budget))
        case .level(let levels):
            let wanted: String?
            switch request.thinking {
            case .disabled: wanted = levels.first
            case .enabled(let tokens): wanted = Self.level(effort: effort) ?? (tokens <= 4_096 ? "low" : tokens <= 16_384 ? "medium" : "high")
            case .adaptive: wanted = Self.level(effort: effort)
            }
            if let wanted { config.append("thinkingLevel", .string(Self.closest(wanted, in: levels))) }
        }
        if request.thinking != .disabled { config.append("includeThoughts", true) }
        return config.isEmpty ? nil : config
    }

    private static func budget(effort: String?, range: ClosedRange<Int>) -> Int? {
        let tokens: Int
        switch effort {
        case "low"?: tokens = 1_024
        case "medium"?: tokens = 8_192
        case "high"?: tokens = 24_576
        case "xhigh"?: tokens = 32_768
        case "max"?: tokens = range.upperBound
        default: return nil
        }
        return min(max(tokens, range.lowerBound), range.upperBound)
    }

    private static func level(effort: String?) -> String? {
        switch effort {
        case "low"?: "low"
        case "medium"?: "medium"
        case "high"?, "xhigh"?, "max"?: "high"
        default: nil
        }
    }

    /// `wanted`, or the next level up the model takes (the highest when none is above).
    private static func closest(_ wanted: String, in levels: [String]) -> String {
        let order = ["minimal", "low", "medium", "high"]
        if levels.contains(wanted) { return wanted }
        let rank = order.firstIndex(of: wanted) ?? order.count
        return levels.first { (order.firstIndex(of: $0) ?? 0) > rank } ?? levels.last ?? wanted
    }
}
