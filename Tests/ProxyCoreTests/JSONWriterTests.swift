import ProxyCore
import Testing

/// The compact writer: what it escapes, and that parse → write keeps a document's bytes.
@Suite struct JSONWriterTests {
    private func roundTrip(_ text: String) throws -> String {
        JSONWriter.string(try JSONParser.parse(text))
    }

    @Test(arguments: [
        #"{"zeta":1,"alpha":[1e3,-0.5,10.0,0,-0,1E+2,2.50e-07],"mid":{"b":null,"a":true},"s":"x"}"#,
        #"[{"b":false,"a":""},[],{},[[[]]],"é😀",123456789012345678901234567890]"#,
        #"{"escapes":"quote \" backslash \\ newline \n tab \t cr \r bs \b ff \f nul \u0000 us \u001f"}"#,
        #""just a string""#,
        "null",
        "-1.25E-10",
    ])
    func compactDocumentsRoundTripByteForByte(document: String) throws {
        #expect(try roundTrip(document) == document)
    }

    @Test func roundTripDropsInsignificantWhitespaceOnly() throws {
        #expect(try roundTrip(" { \"b\" : [ 1 , 2.0 ] ,\n\"a\" : null } ") == #"{"b":[1,2.0],"a":null}"#)
    }

    @Test func numbersAreWrittenAsTheirLiteralText() {
        let value: JSONValue = [.number("1e3"), .number("-0.5"), .number("10.0"), .number("1E-7")]
        #expect(JSONWriter.string(value) == "[1e3,-0.5,10.0,1E-7]")
    }

    @Test func quoteAndBackslashAreEscaped() {
        #expect(JSONWriter.string(.string(#"say "hi" \ bye"#)) == #""say \"hi\" \\ bye""#)
    }

    @Test func namedControlCharactersUseTheirShortEscapes() {
        #expect(JSONWriter.string(.string("a\nb\rc\td\u{08}e\u{0C}f")) == #""a\nb\rc\td\be\ff""#)
    }

    @Test func otherControlCharactersUseLowercaseHexEscapes() {
        #expect(JSONWriter.string(.string("\u{00}\u{01}\u{1B}\u{1F}")) == #""\u0000\u0001\u001b\u001f""#)
    }

    @Test func everyControlCharacterIsEscapedAndParsesBack() throws {
        let text = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
        let written = JSONWriter.encode(.string(text))
        #expect(!written.dropFirst().dropLast().contains { $0 < 0x20 })
        #expect(try JSONParser.parse(written) == .string(text))
    }

    @Test func slashDeleteAndNonASCIIAreWrittenAsThemselves() {
        #expect(JSONWriter.string(.string("a/b\u{7F}é😀\u{2028}")) == "\"a/b\u{7F}é😀\u{2028}\"")
    }

    @Test func objectKeysAreEscapedToo() {
        let value = JSONValue.object(JSONObject([(key: "a\"b\n", value: 1)]))
        #expect(JSONWriter.string(value) == #"{"a\"b\n":1}"#)
    }

    @Test func membersAreWrittenInInsertionOrder() {
        var object = JSONObject()
        object.append("z", 1)
        object.append("a", 2)
        object["m"] = 3
        object["z"] = 4
        #expect(JSONWriter.string(.object(object)) == #"{"z":4,"a":2,"m":3}"#)
    }

    @Test func literalsAndEmptyContainers() {
        #expect(JSONWriter.string([nil, true, false, [], [:], ""]) == #"[null,true,false,[],{},""]"#)
    }

    @Test func integerAndDoubleBuildersWriteShortestForms() {
        #expect(JSONWriter.string(.int(-42)) == "-42")
        #expect(JSONWriter.string(.double(3)) == "3")
        #expect(JSONWriter.string(.double(0.25)) == "0.25")
        #expect(JSONWriter.string(.double(-1.5)) == "-1.5")
        #expect(JSONWriter.string(.double(1e20)) == "1e+20")
    }

    @Test func rawAppendsAreWrittenUntouched() {
        var writer = JSONWriter()
        writer.append(raw: "event: x\ndata: ".utf8)
        writer.write(["a": 1])
        writer.append(raw: [0x0A, 0x0A])
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "event: x\ndata: {\"a\":1}\n\n")
    }

    @Test func aLongStringWithEscapesInTheMiddleKeepsEveryRun() throws {
        let text = String(repeating: "abc", count: 100) + "\"" + String(repeating: "é", count: 50) + "\\" + "tail"
        let written = JSONWriter.string(.string(text))
        #expect(written == "\"" + String(repeating: "abc", count: 100) + "\\\"" + String(repeating: "é", count: 50) + "\\\\tail\"")
        #expect(try JSONParser.parse(written) == .string(text))
    }

    @Test func elementsWrittenBeforeGoOutAsTheirOwnPiecesBetweenTheRest() throws {
        let kept: [[UInt8]] = [Array(#"{"n":1}"#.utf8), Array(#"{"n":2},{"n":3}"#.utf8)]
        let object: JSONObject = ["model": "m", "messages": [["n": 0]], "tools": ["t"]]
        let written = JSONWriter.encode(object, appending: [kept[0], [], kept[1]], toArrayAt: "messages")
        #expect(String(decoding: written.bytes, as: UTF8.self) == #"{"model":"m","messages":[{"n":0},{"n":1},{"n":2},{"n":3}],"tools":["t"]}"#)
        #expect(written.count == written.bytes.count)
        // The kept elements are not copied: they are the body's pieces, each the very array given.
        let shared = written.pieces.filter { piece in kept.contains { $0.withUnsafeBufferPointer { $0.baseAddress } == piece.withUnsafeBufferPointer { $0.baseAddress } } }
        #expect(shared.count == 2)
        #expect(written.pieces.map { String(decoding: $0, as: UTF8.self) } == [#"{"model":"m","messages":[{"n":0}"#, ",", #"{"n":1}"#, ",", #"{"n":2},{"n":3}"#, #"],"tools":["t"]}"#])
    }

    @Test func anArrayWithNothingBeforeTheKeptElementsTakesNoLeadingComma() {
        let written = JSONWriter.encode(["messages": []], appending: [Array("1".utf8), Array("2".utf8)], toArrayAt: "messages")
        #expect(String(decoding: written.bytes, as: UTF8.self) == #"{"messages":[1,2]}"#)
        #expect(JSONWriter.encode(["messages": []], appending: [], toArrayAt: "messages").bytes == Array(#"{"messages":[]}"#.utf8))
    }

    @Test(arguments: ClaudeCodeFixture.allCases)
    func claudeCodeFixtureSurvivesParseWriteParse(fixture: ClaudeCodeFixture) throws {
        let body = try loadClaudeCodeFixture(fixture)
        let written = JSONWriter.encode(body)
        let reparsed = try JSONParser.parse(written)
        #expect(reparsed == body)
        #expect(JSONWriter.encode(reparsed) == written)
        #expect(reparsed.objectValue?.keys == body.objectValue?.keys)
    }
}

@Suite struct JSONWriterEncodedCountTests {
    @Test func encodedCountIsTheLengthOfTheEncoding() throws {
        let values: [JSONValue] = [
            .null, true, false, 42, .number("-1.5e3"), "", "plain", "quote \" backslash \\ newline \n tab \t bell \u{07} é 😀",
            [], [1, "two", [3]], [:], ["a": 1, "b": ["c": [nil, true]], "ключ": "значение"],
        ]
        for value in values {
            #expect(JSONWriter.encodedCount(value) == JSONWriter.encode(value).count, "\(JSONWriter.string(value))")
        }
        let fixture = try loadClaudeCodeFixture(.firstTurn)
        #expect(JSONWriter.encodedCount(fixture) == JSONWriter.encode(fixture).count)
    }
}
