import ProxyCore
import Testing

@Suite struct ThreadReplyRecorderTests {
    private static func sse(_ events: [String]) -> [UInt8] {
        Array(events.map { event in
            let type = (try? JSONParser.parse(event))?["type"]?.stringValue ?? "?"
            return "event: \(type)\ndata: \(event)\n\n"
        }.joined().utf8)
    }

    private static let stream = sse([
        #"{"type":"message_start","message":{"id":"msg_42","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"usage":{"input_tokens":9,"output_tokens":1}}}"#,
        #"{"type":"ping"}"#,
        #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#,
        #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Look "}}"#,
        #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"first."}}"#,
        #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"c2ln"}}"#,
        #"{"type":"content_block_stop","index":0}"#,
        #"{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"#,
        #"{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Listing \u00e9t\u00e9 "}}"#,
        #"{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"files."}}"#,
        #"{"type":"content_block_stop","index":1}"#,
        #"{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_7","name":"Bash","input":{}}}"#,
        #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"comm"}}"#,
        #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"and\": \"ls\"}"}}"#,
        #"{"type":"content_block_stop","index":2}"#,
        #"{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_8","name":"Noop","input":{}}}"#,
        #"{"type":"content_block_stop","index":3}"#,
        #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":30}}"#,
        #"{"type":"message_stop"}"#,
    ])

    private static let expected = ThreadReply(
        id: "msg_42",
        message: [
            "role": "assistant",
            "content": [
                ["type": "thinking", "thinking": "Look first.", "signature": "c2ln"],
                ["type": "text", "text": "Listing été files."],
                ["type": "tool_use", "id": "toolu_7", "name": "Bash", "input": ["command": "ls"]],
                ["type": "tool_use", "id": "toolu_8", "name": "Noop", "input": [:]],
            ],
        ])

    @Test(arguments: [1, 7, 64, 100_000])
    func aStreamedReplyIsRebuiltWhateverItsChunks(chunkSize: Int) {
        var recorder = ThreadReplyRecorder()
        var offset = 0
        while offset < Self.stream.count {
            #expect(recorder.reply == nil, "no reply before message_stop")
            let end = min(offset + chunkSize, Self.stream.count)
            recorder.consume(Self.stream[offset..<end])
            offset = end
        }
        #expect(recorder.reply == Self.expected)
    }

    @Test func citationsGatherOnTheirBlock() {
        var recorder = ThreadReplyRecorder()
        recorder.consume(
            Self.sse([
                #"{"type":"message_start","message":{"id":"msg_c","content":[]}}"#,
                #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"","citations":[]}}"#,
                #"{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"type":"web_search_result_location","url":"https://a.example"}}}"#,
                #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Cited."}}"#,
                #"{"type":"content_block_stop","index":0}"#,
                #"{"type":"message_delta","delta":{"stop_reason":"end_turn"}}"#,
                #"{"type":"message_stop"}"#,
            ]))
        #expect(
            recorder.reply?.message["content"] == [
                ["type": "text", "text": "Cited.", "citations": [["type": "web_search_result_location", "url": "https://a.example"]]]
            ])
    }

    @Test(arguments: [
        // Ends in an error.
        [#"{"type":"message_start","message":{"id":"msg_e","content":[]}}"#, #"{"type":"error","error":{"type":"overloaded_error","message":"x"}}"#],
        // Stops short.
        [#"{"type":"message_start","message":{"id":"msg_s","content":[]}}"#, #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#],
        // A delta for a block that is not open.
        [
            #"{"type":"message_start","message":{"id":"msg_d","content":[]}}"#, #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}"#,
            #"{"type":"message_stop"}"#,
        ],
        // Tool input that is not JSON.
        [
            #"{"type":"message_start","message":{"id":"msg_j","content":[]}}"#,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"n","input":{}}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}"#,
            #"{"type":"content_block_stop","index":0}"#, #"{"type":"message_stop"}"#,
        ],
        // No message_start.
        [#"{"type":"message_stop"}"#],
    ])
    func aStreamThatDoesNotEndWellHasNoReply(events: [String]) {
        var recorder = ThreadReplyRecorder()
        recorder.consume(Self.sse(events))
        #expect(recorder.reply == nil)
    }

    @Test func aWholeReplyIsTakenFromItsBody() {
        let body = #"{"id":"msg_w","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"#
        #expect(ThreadReply(wholeBody: Array(body.utf8)) == ThreadReply(id: "msg_w", message: ["role": "assistant", "content": [["type": "text", "text": "Hi."]]]))
        #expect(ThreadReply(wholeBody: Array(#"{"type":"error","error":{"type":"api_error","message":"x"}}"#.utf8)) == nil)
        #expect(ThreadReply(wholeBody: Array("not json".utf8)) == nil)
    }
}
