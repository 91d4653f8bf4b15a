extension JSONWriter {
    /// An event framed for the wire: `event: NAME\ndata: JSON\n\n`.
    package mutating func writeEvent(named name: String, data json: JSONValue) {
        append(raw: "event: ".utf8)
        append(raw: name.utf8)
        append(raw: "\ndata: ".utf8)
        write(json)
        append(raw: "\n\n".utf8)
    }
}
