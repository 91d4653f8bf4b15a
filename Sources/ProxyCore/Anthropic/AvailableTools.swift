/// The tools offered to the model at the end of a conversation, once its `ToolChange`s are
/// applied in order to those the request declares: client tools in their declared order, then
/// those defined by value in the order they were defined; server tools likewise.
struct AvailableTools {
    private let declared: [MessagesRequest.DeclaredTool]
    /// What `tools` offers before any change: every declared tool but a deferred one not loaded.
    private let offeredAtFirst: Set<String>
    /// Tools defined by value in the conversation, by name, with their definitions' JSON; a
    /// definition stands in for a declared tool of the same name.
    private var defined: [(name: String, tool: MessagesRequest.DeclaredTool, definition: JSONValue)] = []
    private var offered: Set<String>

    init(declared: [MessagesRequest.DeclaredTool], loaded: Set<String>) {
        self.declared = declared
        offeredAtFirst = Set(declared.compactMap { Self.isDeferred($0) && !loaded.contains($0.name) ? nil : $0.name })
        offered = offeredAtFirst
    }

    /// Whether the model learns of `tool` only once the conversation loads it (`defer_loading`).
    private static func isDeferred(_ tool: MessagesRequest.DeclaredTool) -> Bool {
        guard case .client(let tool) = tool else { return false }
        return tool.deferLoading
    }

    /// Applies `change`, made in the message at `path`: a change may name only a tool declared
    /// in `tools` or defined before it.
    mutating func apply(_ change: ToolChange, path: String) throws(AnthropicError) {
        switch change {
        case .addition(.defined(let tool, let definition)):
            defined.removeAll { $0.name == tool.name }
            defined.append((tool.name, tool, definition))
        case .addition(.named(let name)), .removal(let name):
            guard defined.contains(where: { $0.name == name }) || declared.contains(where: { $0.name == name }) else {
                throw FieldReader.problem(
                    path, "'\(name)' is neither declared in tools nor defined by an earlier tool_addition; declare it, or add it with a tool_definition")
            }
        }
        if case .removal = change { offered.remove(change.name) } else { offered.insert(change.name) }
    }

    /// Back to the tools `tools` offers: a compaction's `tool_changes` then take them to the set
    /// in effect at its end.
    mutating func restart() {
        defined = []
        offered = offeredAtFirst
    }

    /// The changes that take `tools` (every declared tool but the deferred ones) to the tools
    /// offered now, as a compaction block's `tool_changes` say them for the conversation it
    /// stands in for: deferred tools the conversation loaded are added by name, as what loaded
    /// them is summarised away.
    var changes: [ToolChange] {
        var changes: [ToolChange] = []
        let definedNames = Set(defined.map(\.name))
        for tool in declared where !definedNames.contains(tool.name) {
            let offeredAtStart = !Self.isDeferred(tool)
            let offeredNow = offered.contains(tool.name)
            if offeredNow && !offeredAtStart { changes.append(.addition(.named(tool.name))) }
            if offeredAtStart && !offeredNow { changes.append(.removal(name: tool.name)) }
        }
        for (name, tool, definition) in defined {
            if offered.contains(name) {
                changes.append(.addition(.defined(tool, definition: definition)))
            } else if declared.contains(where: { $0.name == name && !Self.isDeferred($0) }) {
                changes.append(.removal(name: name))
            }
        }
        return changes
    }

    /// The tools offered, split as the request holds them.
    var tools: (client: [MessagesRequest.Tool], server: [MessagesRequest.ServerTool]) {
        var client: [MessagesRequest.Tool] = []
        var server: [MessagesRequest.ServerTool] = []
        let definedNames = Set(defined.map(\.name))
        let inOrder = declared.filter { !definedNames.contains($0.name) } + defined.map(\.tool)
        for tool in inOrder where offered.contains(tool.name) {
            switch tool {
            case .client(let tool): client.append(tool)
            case .server(let tool): server.append(tool)
            }
        }
        return (client, server)
    }
}
