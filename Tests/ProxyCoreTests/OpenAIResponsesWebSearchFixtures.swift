import ProxyCore

/// Web search replies and their event streams, shaped as OpenAI sends them (openai-python
/// `response_function_web_search.py`, `response_output_text.py`, the `response.web_search_call.*`
/// and `response.output_text.annotation.added` events).
extension ResponsesAPI {
    /// Claude Code's search tool, as `MessagesRequest` decodes it.
    static let searchTool = MessagesRequest.ServerTool(kind: .webSearch, type: "web_search_20250305", name: "web_search", maxUses: 8)

    /// A test context whose request declares `search`.
    static func searchingContext(_ search: MessagesRequest.ServerTool = searchTool) -> OpenAIResponsesReplyContext {
        var context = OpenAIResponsesReplyContext.forTesting(tools: ["Bash"])
        context.webSearch = OpenAIResponsesWebSearch(tool: search)
        return context
    }

    /// A finished `web_search_call` whose search read `sources`.
    static func webSearchCall(id: String = "ws_1", query: String, sources: [String], status: String = "completed") -> JSONValue {
        [
            "id": .string(id), "type": "web_search_call", "status": .string(status),
            "action": ["type": "search", "query": .string(query), "sources": .array(sources.map { ["type": "url", "url": .string($0)] })],
        ]
    }

    /// A `url_citation` annotation; the indexes count Unicode scalars.
    static func citation(_ start: Int, _ end: Int, url: String, title: String) -> JSONValue {
        ["type": "url_citation", "start_index": .int(start), "end_index": .int(end), "url": .string(url), "title": .string(title)]
    }

    /// An assistant message whose `output_text` parts carry annotations.
    static func citedMessage(id: String = "msg_out_1", parts: [(text: String, annotations: [JSONValue])]) -> JSONValue {
        [
            "id": .string(id), "type": "message", "status": "completed", "role": "assistant",
            "content": .array(parts.map { ["type": "output_text", "text": .string($0.text), "annotations": .array($0.annotations), "logprobs": []] }),
        ]
    }

    /// The events OpenAI streams for a reply that searched (messages of one part): `stream(of:)`,
    /// with each search's progress events, each message part opened and closed, and each citation
    /// announced (`response.output_text.annotation.added`) right after the delta that completes
    /// the text it cites.
    static func searchingStream(of response: JSONValue, pieceSize: Int = 4) -> [SSEEvent] {
        let output = response["output"]?.arrayValue ?? []
        var events: [SSEEvent] = []
        /// Per message: the scalars written so far, and the citations announced.
        var written: [Int: Int] = [:]
        var announced: [Int: Int] = [:]
        func announce(upTo end: Int, of index: Int) {
            let annotations = output[index]["content"]?[0]?["annotations"]?.arrayValue ?? []
            while announced[index, default: 0] < annotations.count {
                let position = announced[index, default: 0]
                guard (annotations[position]["end_index"]?.intValue ?? 0) <= end else { return }
                events.append(
                    event(
                        "response.output_text.annotation.added",
                        [
                            "item_id": output[index]["id"] ?? nil, "output_index": .int(index), "content_index": 0, "annotation_index": .int(position),
                            "annotation": annotations[position],
                        ]))
                announced[index] = position + 1
            }
        }
        for event in stream(of: response, pieceSize: pieceSize) {
            let json = (try? JSONParser.parse(event.data)) ?? [:]
            guard let index = json["output_index"]?.intValue else {
                events.append(event)
                continue
            }
            let item = output[index]
            let fields: JSONObject = ["item_id": item["id"] ?? nil, "output_index": .int(index)]
            switch (json["type"]?.stringValue ?? "", item["type"]?.stringValue ?? "") {
            case ("response.output_item.added", "web_search_call"):
                events.append(itemAdded(index, ["id": item["id"] ?? nil, "type": "web_search_call", "status": "in_progress", "action": ["type": "search"]]))
                events += ["response.web_search_call.in_progress", "response.web_search_call.searching"].map { Self.event($0, fields) }
            case ("response.output_item.done", "web_search_call"):
                events += [Self.event("response.web_search_call.completed", fields), event]
            case ("response.output_item.added", "message"):
                events += [event, Self.event("response.content_part.added", merging(fields, ["content_index": 0, "part": ["type": "output_text", "text": "", "annotations": []]]))]
            case ("response.output_text.delta", _):
                events.append(event)
                written[index, default: 0] += json["delta"]?.stringValue?.unicodeScalars.count ?? 0
                announce(upTo: written[index, default: 0], of: index)
            case ("response.output_item.done", "message"):
                let part = item["content"]?[0] ?? ["type": "output_text", "text": "", "annotations": []]
                announce(upTo: .max, of: index)
                events += [
                    Self.event("response.output_text.done", merging(fields, ["content_index": 0, "text": part["text"] ?? "", "logprobs": []])),
                    Self.event("response.content_part.done", merging(fields, ["content_index": 0, "part": part])), event,
                ]
            default:
                events.append(event)
            }
        }
        return events
    }

    private static func merging(_ fields: JSONObject, _ more: JSONObject) -> JSONObject {
        var merged = fields
        for member in more.members { merged[member.key] = member.value }
        return merged
    }
}
