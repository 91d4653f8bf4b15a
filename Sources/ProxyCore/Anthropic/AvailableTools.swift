/// The tools offered to the model at the end of a conversation, once its `ToolChange`s are
/// applied in order to those the request declares: client tools in their declared order, then
/// those defined by value in the order they were defined; server tools likewise.
struct AvailableTools {
    private let declared: [MessagesRequest.DeclaredTool]
    /// What `tools` offers before any change: every declared tool but a deferred one not loaded.
    private let offeredAtFirst: Set<String>
    /// Tools defined by value in the conversation, by name; a definition stands in for a
    /// declared tool of the same name.
    private var defined: [(name: String, tool: MessagesRequest.DeclaredTool)] = []
    private var offered: Set<String>

    init(declared: [MessagesRequest.DeclaredTool], loaded: Set<String>) {
        self.declared = declared
        offeredAtFirst = Set(
            declared.compactMap { declared in
                guard case .client(let tool) = declared, tool.deferLoading, !loaded.contains(tool.name) else { return declared.name }
                return nil
            })
        offered = offeredAtFirst
    }

    /// Applies `change`, made in the message at `path`: a change may name only a tool declared
    /// in `tools` or defined before it.
    mutating func apply(_ change: ToolChange, path: String) throws(AnthropicError) {
        switch change {
        case .addition(.defined(let tool)):
            defined.removeAll { $0.name == tool.name }
            defined.append((tool.name, tool))
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
