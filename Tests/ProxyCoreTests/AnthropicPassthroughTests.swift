import ProxyCore
import Testing

/// The passthrough edits only the model name: in the request body on the way up, and in the
/// stream's `message_start` on the way down. Every other byte is forwarded as sent.
@Suite struct AnthropicPassthroughTests {
    private func replaced(_ body: String, with model: String) throws(AnthropicError) -> String {
        String(decoding: try AnthropicPassthrough.replacingModel(in: Array(body.utf8), with: model), as: UTF8.self)
    }

    private func replacementError(_ body: String) -> AnthropicError? {
        do {
            _ = try AnthropicPassthrough.replacingModel(in: Array(body.utf8), with: "x")
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Request body

    @Test func onlyTheModelValueChanges() throws {
        let body = #"{"model":"claude-sonnet-4-6","max_tokens":1024,"messages":[{"role":"user","content":"hi"}]}"#
        #expect(try replaced(body, with: "claude-sonnet-4-5") == #"{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":[{"role":"user","content":"hi"}]}"#)
    }

    @Test func formattingEscapesAndNumbersElsewhereAreKeptByteForByte() throws {
        let body = """
            {
              "max_tokens" : 1e3,
              "temperature": 0.50,
              "metadata": {"model": "not this one", "user_id": "caf\\u00e9"},
              "model"  :   "claude-opus-5-5"  ,
              "messages": [ {"role":"user","content":"line\\nbreak \\ud83d\\ude00"} ]
            }
            """
        let expected = body.replacingFirst(#""claude-opus-5-5""#, with: #""claude-opus-4-1""#)
        #expect(try replaced(body, with: "claude-opus-4-1") == expected)
    }

    @Test func theNewModelIsJSONEscaped() throws {
        #expect(try replaced(#"{"model":"m"}"#, with: "odd \"name\"\\\n") == #"{"model":"odd \"name\"\\\n"}"#)
    }

    @Test func aModelOfAnotherTypeIsReplacedWhole() throws {
        #expect(try replaced(#"{"a":1,"model":{"nested":[1,2]},"b":2}"#, with: "m") == #"{"a":1,"model":"m","b":2}"#)
    }

    @Test func withDuplicateModelMembersTheLastIsReplaced() throws {
        #expect(try replaced(#"{"model":"first","model":"second"}"#, with: "new") == #"{"model":"first","model":"new"}"#)
    }

    @Test func aBodyWithoutAModelIsA400() {
        #expect(replacementError(#"{"max_tokens":1,"metadata":{"model":"x"}}"#) == .invalidRequest("model: Field required"))
    }

    @Test func aBodyThatIsNotAJSONObjectIsA400WithTheOffset() {
        #expect(replacementError(#"{"model":"x","#) == .invalidRequest("The request body is not valid JSON: invalid JSON at byte 13: expected a member name in double quotes"))
        #expect(replacementError("[1]") == .invalidRequest("The request body is not valid JSON: invalid JSON at byte 0: expected an object"))
        #expect(replacementError("") == .invalidRequest("The request body is not valid JSON: invalid JSON at byte 0: expected an object"))
    }

    @Test(arguments: ClaudeCodeFixture.allCases)
    func claudeCodeBodiesChangeOnlyInTheirModelBytes(fixture: ClaudeCodeFixture) throws {
        // The body exactly as captured: its bytes inside the fixture file, formatting included.
        let file = try loadClaudeCodeFixtureFile(fixture)
        let fileRanges = try file.withUnsafeBytes { buffer throws(JSONParseError) in try JSONParser.topLevelMemberRanges(buffer) }
        let bodyRange = try #require(fileRanges.first { $0.key == "body" }?.range)
        let body = Array(file[bodyRange])

        let modelRange = try #require(
            try body.withUnsafeBytes { buffer throws(JSONParseError) in try JSONParser.topLevelMemberRanges(buffer) }.first { $0.key == "model" }?.range)
        let result = try AnthropicPassthrough.replacingModel(in: body, with: "claude-opus-4-1-20250805")
        let newModel = Array(#""claude-opus-4-1-20250805""#.utf8)

        #expect(Array(result[..<modelRange.lowerBound]) == Array(body[..<modelRange.lowerBound]))
        #expect(Array(result[modelRange.lowerBound..<(modelRange.lowerBound + newModel.count)]) == newModel)
        #expect(Array(result[(modelRange.lowerBound + newModel.count)...]) == Array(body[modelRange.upperBound...]))
        #expect(result.count == body.count - modelRange.count + newModel.count)

        var expected = try #require(try JSONParser.parse(body).objectValue)
        expected["model"] = "claude-opus-4-1-20250805"
        #expect(try JSONParser.parse(result) == .object(expected))
    }

    // MARK: - Stream

    static let messageStart =
        #"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-opus-4-1-20250805","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_read_input_tokens":0,"output_tokens":1}}}"#

    static let restOfStream = [
        "event: content_block_start",
        #"data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":"","model":"keep me"}}"#,
        "",
        ": a comment",
        "event: ping",
        #"data: {"type": "ping"}"#,
        "",
        "event: content_block_delta",
        #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"héllo 😀 \"model\":\"claude-opus-4-1-20250805\""}}"#,
        "",
        "event: message_start",
        #"data: {"type":"message_start","message":{"model":"claude-opus-4-1-20250805"}}"#,
        "",
        "event: message_stop",
        #"data: {"type":"message_stop"}"#,
        "",
        "",
    ].joined(separator: "\n")

    static let stream = Array(("event: message_start\ndata: " + messageStart + "\n\n" + restOfStream).utf8)

    /// The first event with only the model changed, then the rest of the stream as it was.
    static let rewrittenStream = Array(
        ("event: message_start\ndata: " + messageStart.replacingFirst(#""model":"claude-opus-4-1-20250805""#, with: #""model":"claude-sonnet-4-6""#)
            + "\n\n" + restOfStream).utf8)

    private func rewrite(_ bytes: [UInt8], splitAt cuts: [Int], model: String = "claude-sonnet-4-6") -> [UInt8] {
        var rewriter = AnthropicStreamModelRewriter(model: model)
        var output: [UInt8] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            output += rewriter.feed(bytes[start..<cut])
            start = cut
        }
        return output + rewriter.finish()
    }

    @Test func theModelInMessageStartIsRestoredAndNothingElseChanges() {
        #expect(rewrite(Self.stream, splitAt: []) == Self.rewrittenStream)
    }

    @Test func splittingTheStreamAtEveryByteBoundaryGivesTheSameBytes() {
        for cut in 0...Self.stream.count {
            let output = rewrite(Self.stream, splitAt: [cut])
            #expect(output == Self.rewrittenStream, "split at byte \(cut)")
        }
    }

    @Test func feedingOneByteAtATimeGivesTheSameBytes() {
        #expect(rewrite(Self.stream, splitAt: Array(1..<Self.stream.count)) == Self.rewrittenStream)
    }

    @Test func splittingTheFirstEventInThreeGivesTheSameBytes() {
        let firstEventEnd = "event: message_start\ndata: ".utf8.count + Self.messageStart.utf8.count + 2
        var step = 0
        for first in stride(from: 0, through: firstEventEnd, by: 7) {
            for second in stride(from: first, through: firstEventEnd + 3, by: 11) {
                step += 1
                #expect(rewrite(Self.stream, splitAt: [first, second]) == Self.rewrittenStream, "split at \(first) and \(second)")
            }
        }
        #expect(step > 500)
    }

    @Test func bytesAreHeldUntilTheFirstEventEndsThenFlowThrough() {
        var rewriter = AnthropicStreamModelRewriter(model: "m")
        #expect(rewriter.feed(Array("event: message_start\ndata: {\"type\":\"message_start\",".utf8)) == [])
        let first = rewriter.feed(Array("\"message\":{\"model\":\"x\",\"id\":\"a\"}}\n\nevent: ping\n".utf8))
        #expect(String(decoding: first, as: UTF8.self) == "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"m\",\"id\":\"a\"}}\n\nevent: ping\n")
        #expect(rewriter.feed(Array("data: {}\n\n".utf8)) == Array("data: {}\n\n".utf8))
        #expect(rewriter.finish() == [])
    }

    @Test func crlfFramedStreamsAreRewrittenToo() {
        let head = "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"upstream\"}}\r\n\r\n"
        let tail = "event: ping\r\ndata: {\"type\":\"ping\"}\r\n\r\n"
        let bytes = Array((head + tail).utf8)
        let expected = Array(("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"asked\"}}\n\n" + tail).utf8)
        for cut in 0...bytes.count {
            #expect(rewrite(bytes, splitAt: [cut], model: "asked") == expected, "split at byte \(cut)")
        }
    }

    @Test func theNewModelIsJSONEscapedInTheEvent() {
        let bytes = Array("event: message_start\ndata: {\"message\":{\"model\":\"u\"}}\n\n".utf8)
        let output = String(decoding: rewrite(bytes, splitAt: [], model: "a\"b"), as: UTF8.self)
        #expect(output == "event: message_start\ndata: {\"message\":{\"model\":\"a\\\"b\"}}\n\n")
    }

    @Test func aFirstEventThatIsNotARewritableMessageStartPassesUntouched() {
        let streams = [
            "event: ping\ndata: {\"type\":\"ping\",\"message\":{\"model\":\"u\"}}\n\nevent: message_start\ndata: {\"message\":{\"model\":\"u\"}}\n\n",
            "event: message_start\ndata: {not json\n\nevent: ping\n\n",
            "event: message_start\ndata: {\"message\":\"no object\"}\n\n",
            "event: message_start\ndata: [1,2]\n\n",
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
        ]
        for stream in streams {
            let bytes = Array(stream.utf8)
            #expect(rewrite(bytes, splitAt: []) == bytes, "\(stream)")
            #expect(rewrite(bytes, splitAt: [bytes.count / 2]) == bytes, "\(stream)")
        }
    }

    @Test func aStreamThatEndsBeforeItsFirstEventEndsIsReturnedByFinish() {
        var rewriter = AnthropicStreamModelRewriter(model: "m")
        let partial = Array("event: message_start\ndata: {\"message\":{\"model\":\"u\"}}\n".utf8)
        #expect(rewriter.feed(partial) == [])
        #expect(rewriter.finish() == partial)
        #expect(rewriter.finish() == [])
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced (the test fails loudly if absent).
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return "<\(target) not found>" }
        var result = self
        result.replaceSubrange(range, with: replacement)
        return result
    }
}
