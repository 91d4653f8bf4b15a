/// The tools Anthropic defines but the client runs: bash, the text editor and memory. A request
/// declares them by type alone (`{"type": "bash_20250124", "name": "bash"}`); Claude knows their
/// inputs by training, every other model needs them spelled out. So each becomes a function tool
/// under the declared name, with the input schema Claude fills and a description of what each
/// input does; the model's calls come back as `tool_use` blocks the client runs as it would
/// Claude's.
package enum AnthropicDefinedTool {
    /// The function tool standing for a tool of this `type` named `name`; nil for a type that is
    /// not a client-run tool of Anthropic's (its server tools, computer use).
    package static func tool(type: String, name: String, deferLoading: Bool) -> MessagesRequest.Tool? {
        let definition: (description: String, schema: JSONValue)
        if type.hasPrefix("bash_") {
            definition = (bashDescription, bashSchema)
        } else if type == "text_editor_20241022" || type == "text_editor_20250124" {
            definition = (editorDescription, editorSchema(commands: ["view", "create", "str_replace", "insert", "undo_edit"], insertedTextField: "new_str"))
        } else if type.hasPrefix("text_editor_") {
            definition = (editorDescription, editorSchema(commands: ["view", "create", "str_replace", "insert"], insertedTextField: "insert_text"))
        } else if type.hasPrefix("memory_") {
            definition = (memoryDescription, memorySchema)
        } else {
            return nil
        }
        return MessagesRequest.Tool(name: name, description: definition.description, inputSchema: definition.schema, deferLoading: deferLoading)
    }

    private static let bashDescription = """
        Run a command in a bash shell and get what it prints. The shell persists between calls \
        (working directory, environment variables, files), is not interactive, and returns the \
        command's output when it finishes. Set restart to true, without a command, to start a fresh shell.
        """

    private static let bashSchema: JSONValue = [
        "type": "object",
        "properties": [
            "command": ["type": "string", "description": "The bash command to run. Required unless the shell is being restarted."],
            "restart": ["type": "boolean", "description": "True restarts the shell; leave it out otherwise."],
        ],
    ]

    private static let editorDescription = """
        View, create and edit plain-text files. view shows a file with line numbers (or lists a \
        directory); create writes a new file; str_replace replaces one exact, unique occurrence of \
        old_str with new_str; insert adds text after a given line (0 for the top of the file). \
        Paths are absolute.
        """

    private static func editorSchema(commands: [String], insertedTextField: String) -> JSONValue {
        var properties: JSONObject = [
            "command": ["type": "string", "enum": .array(commands.map { .string($0) }), "description": "The command to run."],
            "path": ["type": "string", "description": "Absolute path of the file or directory, such as /repo/file.py or /repo."],
            "file_text": ["type": "string", "description": "create: the content of the new file."],
            "old_str": ["type": "string", "description": "str_replace: the exact text to replace; it must occur once in the file, whitespace included."],
            "new_str": ["type": "string", "description": "str_replace: the text that replaces old_str (nothing when left out)."],
            "insert_line": ["type": "integer", "description": "insert: the line after which the text goes; 0 inserts at the top."],
            "view_range": [
                "type": "array", "items": ["type": "integer"],
                "description": "view: the first and last line to show, counted from 1; [start, -1] shows to the end.",
            ],
        ]
        if insertedTextField == "new_str" {
            properties["new_str"] = ["type": "string", "description": "str_replace: the text that replaces old_str; insert: the text to insert."]
        } else {
            properties[insertedTextField] = ["type": "string", "description": "insert: the text to insert."]
        }
        return ["type": "object", "properties": .object(properties), "required": ["command", "path"]]
    }

    private static let memoryDescription = """
        Keep notes that outlast this conversation, as files under the /memories directory. Look at \
        /memories first to recall what earlier work recorded. view lists a directory or shows a file \
        with line numbers; create writes a file; str_replace replaces one exact, unique occurrence of \
        old_str; insert adds text after a line; delete removes a file or directory; rename moves one.
        """

    private static let memorySchema: JSONValue = [
        "type": "object",
        "properties": [
            "command": ["type": "string", "enum": ["view", "create", "str_replace", "insert", "delete", "rename"], "description": "The command to run."],
            "path": ["type": "string", "description": "The file or directory, under /memories (every command but rename)."],
            "view_range": [
                "type": "array", "items": ["type": "integer"],
                "description": "view: the first and last line to show, counted from 1; [start, -1] shows to the end.",
            ],
            "file_text": ["type": "string", "description": "create: the content of the file."],
            "old_str": ["type": "string", "description": "str_replace: the exact text to replace; it must occur once in the file."],
            "new_str": ["type": "string", "description": "str_replace: the text that replaces old_str."],
            "insert_line": ["type": "integer", "description": "insert: the line after which the text goes; 0 inserts at the top."],
            "insert_text": ["type": "string", "description": "insert: the text to insert."],
            "old_path": ["type": "string", "description": "rename: the file or directory to move."],
            "new_path": ["type": "string", "description": "rename: where it goes."],
        ],
        "required": ["command"],
    ]
}
