@testable import ProxyCore
import Testing

/// Parsing through a `JSONFragmentCache`: the same values as parsing alone, the same errors, and
/// only large top-level members of the named kinds kept.
@Suite struct JSONFragmentCacheTests {
    private func parse(_ text: String, cache: JSONFragmentCache) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8), reusing: cache)
    }

    private func parseError(_ text: String, cache: JSONFragmentCache? = nil) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(Array(text.utf8), reusing: cache)
            return nil
        } catch {
            return error
        }
    }

    /// A JSON array of `count` tool-like objects, large enough to be kept.
    private func toolsText(count: Int = 8, marker: String = "x") -> String {
        let tool = #"{"name":"Tool\#(marker)","description":"Reads a file.\nUse it \"often\".","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}"#
        return "[" + Array(repeating: tool, count: count).joined(separator: ",") + "]"
    }

    @Test(arguments: ClaudeCodeFixture.allCases)
    func claudeCodeRequestsParseToTheSameValueFromTheCache(fixture: ClaudeCodeFixture) throws {
        let body = try loadClaudeCodeFixtureBody(fixture)
        let cache = JSONFragmentCache(memberNames: ["tools", "system"])
        let plain = try JSONParser.parse(body)
        let first = try JSONParser.parse(body, reusing: cache)
        let kept = cache.count
        let second = try JSONParser.parse(body, reusing: cache)
        #expect(first == plain)
        #expect(second == plain)
        #expect(JSONWriter.encode(second) == JSONWriter.encode(plain))
        #expect(kept == 2, "the tool definitions and the system prompt are kept")
        #expect(cache.count == kept, "a second parse adds nothing")
    }

    @Test func aKeptValueIsWhatTheSameBytesParseTo() throws {
        let tools = toolsText()
        let cache = JSONFragmentCache(memberNames: ["tools"])
        let planted: JSONValue = ["planted"]
        tools.utf8.withContiguousStorageIfAvailable { cache.insert(planted, parsedFrom: UnsafeRawBufferPointer($0)) }
        let value = try parse(#"{"model":"m","tools":\#(tools)}"#, cache: cache)
        #expect(value["tools"] == planted, "the kept value is used, not parsed again")
        #expect(value["model"] == "m")
    }

    @Test func changedBytesAreParsedAgainAndKeptBeside() throws {
        let cache = JSONFragmentCache(memberNames: ["tools"])
        let first = try parse(#"{"tools":\#(toolsText(marker: "A"))}"#, cache: cache)
        let second = try parse(#"{"tools":\#(toolsText(marker: "B"))}"#, cache: cache)
        #expect(first["tools"]?.arrayValue?.first?["name"] == "ToolA")
        #expect(second["tools"]?.arrayValue?.first?["name"] == "ToolB")
        #expect(cache.count == 2)
    }

    @Test func aKeptValueFollowedByMoreMembersEndsWhereItsBytesEnd() throws {
        let tools = toolsText()
        let cache = JSONFragmentCache(memberNames: ["tools"])
        _ = try parse(#"{"tools":\#(tools)}"#, cache: cache)
        let value = try parse(#"{"tools":\#(tools) , "stream":true,"max_tokens":5}"#, cache: cache)
        #expect(value.objectValue?.keys == ["tools", "stream", "max_tokens"])
        #expect(value["stream"] == true)
        #expect(value["max_tokens"] == 5)
    }

    @Test func invalidDocumentsFailAsTheyDoWithoutTheCache() throws {
        let tools = toolsText()
        let cache = JSONFragmentCache(memberNames: ["tools"])
        _ = try parse(#"{"tools":\#(tools)}"#, cache: cache)
        for broken in [#"{"tools":\#(tools)"#, #"{"tools":\#(tools)]}"#, #"{"tools":\#(tools),}"#, #"{"tools":\#(tools.dropLast())"#] {
            let expected = try #require(parseError(broken))
            #expect(parseError(broken, cache: cache) == expected, "\(broken.suffix(20))")
        }
    }

    @Test func onlyLargeTopLevelStringsArraysAndObjectsOfTheNamedMembersAreKept() throws {
        let cache = JSONFragmentCache(memberNames: ["tools", "system"])
        _ = try parse(#"{"tools":[{"name":"small"}],"system":"short"}"#, cache: cache)
        #expect(cache.count == 0, "smaller than \(JSONFragmentCache.minimumBytes) bytes")
        _ = try parse(#"{"messages":\#(toolsText())}"#, cache: cache)
        #expect(cache.count == 0, "a member the cache does not name")
        _ = try parse(#"{"nested":{"tools":\#(toolsText())}}"#, cache: cache)
        #expect(cache.count == 0, "not a top-level member")
        let longNumber = String(repeating: "1", count: 2000)
        _ = try parse(#"{"system":\#(longNumber)}"#, cache: cache)
        #expect(cache.count == 0, "numbers end only where the next character says, so they are never kept")
        let longText = String(repeating: "a", count: 2000)
        #expect(try parse(#"{"system":"\#(longText)"}"#, cache: cache)["system"] == .string(longText))
        #expect(cache.count == 1)
    }

    @Test func theLeastRecentlyUsedValueGoesFirst() throws {
        let cache = JSONFragmentCache(memberNames: ["tools"], capacity: 2)
        let texts = ["A", "B", "C"].map { toolsText(marker: $0) }
        _ = try parse(#"{"tools":\#(texts[0])}"#, cache: cache)
        _ = try parse(#"{"tools":\#(texts[1])}"#, cache: cache)
        _ = try parse(#"{"tools":\#(texts[0])}"#, cache: cache)  // A is now the most recent.
        _ = try parse(#"{"tools":\#(texts[2])}"#, cache: cache)  // B goes.
        #expect(cache.count == 2)
        func isKept(_ text: String) -> Bool {
            text.utf8.withContiguousStorageIfAvailable { cache.value(prefixing: UnsafeRawBufferPointer($0)) != nil } ?? false
        }
        #expect(isKept(texts[0]))
        #expect(!isKept(texts[1]))
        #expect(isKept(texts[2]))
    }

    @Test func theLeastRecentlyUsedValuesGoWhenTheKeptBytesPassTheirBudget() throws {
        let texts = ["A", "B", "C"].map { toolsText(count: 10, marker: $0) }
        let size = texts[0].utf8.count
        let cache = JSONFragmentCache(memberNames: ["tools"], maximumTotalBytes: size * 2 + 10)
        for text in texts { _ = try parse(#"{"tools":\#(text)}"#, cache: cache) }
        #expect(cache.count == 2, "A went to make room for C")
        let kept = texts.map { text in text.utf8.withContiguousStorageIfAvailable { cache.value(prefixing: UnsafeRawBufferPointer($0)) != nil } ?? false }
        #expect(kept == [false, true, true])
    }

    @Test func valuesLargerThanTheEntryLimitAreNotKept() throws {
        let cache = JSONFragmentCache(memberNames: ["tools"], maximumEntryBytes: 2000)
        _ = try parse(#"{"tools":\#(toolsText(count: 40))}"#, cache: cache)
        #expect(cache.count == 0)
    }
}
