/// A change, partway through a conversation, to the tools the model is offered: a `tool_addition`
/// or `tool_removal` block in a system message (beta `inline-tools-2026-09-15`, which the SDK's
/// tool runner sends for `add_tools` / `remove_tools`), or an entry of a compaction block's
/// `tool_changes`. An upstream takes one list of tools per request: it is offered those in effect
/// at the end of the conversation (`AvailableTools`), and its model reads each change where it
/// was made, as a line of text.
package enum ToolChange: Sendable, Equatable {
    /// A tool made available from here on.
    case addition(Subject)
    /// A tool, by name, no longer offered from here on.
    case removal(name: String)

    /// The tool an addition makes available.
    package enum Subject: Sendable, Equatable {
        /// One declared in `tools` (a deferred one included) or defined by an earlier addition.
        case named(String)
        /// A definition carried by value (`tool_definition`), with its JSON, which a compaction
        /// block's `tool_changes` carry back.
        case defined(MessagesRequest.DeclaredTool, definition: JSONValue)
    }

    /// The name the model calls the tool by.
    package var name: String {
        switch self {
        case .addition(.named(let name)), .removal(let name): name
        case .addition(.defined(let tool, _)): tool.name
        }
    }

    /// The block as Anthropic writes it in a compaction block's `tool_changes`.
    package var json: JSONValue {
        switch self {
        case .addition(.named(let name)): ["type": "tool_addition", "tool": ["type": "tool_reference", "name": .string(name)]]
        case .addition(.defined(_, let definition)): ["type": "tool_addition", "tool": ["type": "tool_definition", "definition": definition]]
        case .removal(let name): ["type": "tool_removal", "tool": ["type": "tool_reference", "name": .string(name)]]
        }
    }

    /// What the model reads where the change was made.
    var text: String {
        switch self {
        case .addition: "Tool \(name) is now available."
        case .removal: "Tool \(name) is no longer available."
        }
    }

    static let blockTypes: Set<String> = ["tool_addition", "tool_removal"]

    /// Whether `block` changes an MCP tool or toolset, which only Anthropic's MCP connector serves.
    static func isMCPChange(_ block: JSONValue) -> Bool {
        block["tool"]?["type"]?.stringValue?.hasPrefix("mcp_") ?? false
    }

    /// Decodes a `tool_addition` or `tool_removal` block.
    static func decode(_ json: JSONValue, path: String) throws(AnthropicError) -> ToolChange {
        let block = try FieldReader(json, path: path)
        let type = try block.string("type")
        let tool = try FieldReader(try block.required("tool"), path: "\(path).tool")
        let toolType = try tool.string("type")
        switch (type, toolType) {
        case (_, "tool_reference"):
            let name = try tool.string("name")
            return type == "tool_removal" ? .removal(name: name) : .addition(.named(name))
        case ("tool_addition", "tool_definition"):
            let definition = try tool.required("definition")
            return .addition(.defined(try MessagesRequest.declaredTool(definition, path: "\(path).tool.definition"), definition: definition))
        case (_, "mcp_tool_reference"), (_, "mcp_toolset_reference"):
            throw FieldReader.problem("\(path).tool.type", MessagesRequest.mcpConnectorIsAnthropics)
        case ("tool_removal", "tool_definition"):
            throw FieldReader.problem("\(path).tool.type", "a tool_removal names its tool with a tool_reference, not a tool_definition")
        default:
            throw FieldReader.problem("\(path).tool.type", "must be tool_reference, tool_definition, mcp_tool_reference or mcp_toolset_reference, not '\(toolType)'")
        }
    }
}
