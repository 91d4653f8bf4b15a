@testable import ProxyCore
import Testing

/// The strict parser: what it accepts, what it keeps (member order, number text), and where it
/// says a document went wrong.
@Suite struct JSONParserTests {
    private func parseError(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    private func memberRanges(_ text: String) throws -> [(key: String, range: Range<Int>)] {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { buffer throws(JSONParseError) in try JSONParser.topLevelMemberRanges(buffer) }
    }

    // MARK: - Values

    @Test func scalarsParseToTheirCases() throws {
        #expect(try JSONParser.parse("null") == .null)
        #expect(try JSONParser.parse("true") == .bool(true))
        #expect(try JSONParser.parse("false") == .bool(false))
        #expect(try JSONParser.parse(#""hi""#) == .string("hi"))
        #expect(try JSONParser.parse("[]") == .array([]))
        #expect(try JSONParser.parse("{}") == .object(JSONObject()))
    }

    @Test func objectMembersKeepTheirWrittenOrder() throws {
        let value = try JSONParser.parse(#"{"zeta":1,"alpha":2,"mid":{"y":true,"b":null}}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["zeta", "alpha", "mid"])
        #expect(value["mid"]?.objectValue?.keys == ["y", "b"])
    }

    @Test(arguments: ["0", "-0", "1e3", "-0.5", "10.0", "1E+3", "2.50e-07", "123456789012345678901234567890", "-1.0E-0"])
    func numbersKeepTheirLiteralText(literal: String) throws {
        let value = try JSONParser.parse("[\(literal)]")
        guard case .number(let text)? = value[0] else {
            Issue.record("\(literal) did not parse as a number: \(value)")
            return
        }
        #expect(text == literal)
    }

    @Test func whitespaceAroundTheDocumentAndTokensIsAllowed() throws {
        let value = try JSONParser.parse(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] } \n")
        #expect(value == ["a": [1, 2]])
    }

    @Test func duplicateMembersAreKeptAndLookupFindsTheFirst() throws {
        let value = try JSONParser.parse(#"{"a":1,"a":2}"#)
        #expect(value.objectValue?.count == 2)
        #expect(value["a"] == 1)
    }

    // MARK: - Strings and escapes

    @Test func simpleEscapesDecode() throws {
        let value = try JSONParser.parse(#""q\" b\\ s\/ \b\f\n\r\t""#)
        #expect(value == .string("q\" b\\ s/ \u{08}\u{0C}\n\r\t"))
    }

    @Test func unicodeEscapesDecodeIncludingSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(try JSONParser.parse(#""\ud83d\ude00!""#) == .string("😀!"))
        #expect(try JSONParser.parse(#""\uD834\uDD1E""#) == .string("\u{1D11E}"))
        #expect(try JSONParser.parse(#""nul\u0000here""#) == .string("nul\u{0}here"))
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        // High surrogate at the end, or followed by something that is not an escape.
        #expect(try JSONParser.parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try JSONParser.parse(#""a\ud83db""#) == .string("a\u{FFFD}b"))
        // Lone low surrogate.
        #expect(try JSONParser.parse(#""\ude00x""#) == .string("\u{FFFD}x"))
        // High surrogate followed by an escape that is not a low surrogate: both survive as text.
        #expect(try JSONParser.parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSONParser.parse(#""\ud83d\ud83d""#) == .string("\u{FFFD}\u{FFFD}"))
        // High surrogate followed by a non-\u escape.
        #expect(try JSONParser.parse(#""\ud83d\n""#) == .string("\u{FFFD}\n"))
    }

    @Test func rawMultibyteUTF8PassesThrough() throws {
        #expect(try JSONParser.parse("\"héllo 世界 😀\"") == .string("héllo 世界 😀"))
        #expect(try JSONParser.parse("{\"ключ\":\"значение\"}") == ["ключ": "значение"])
    }

    // MARK: - Errors with offsets

    @Test(arguments: [
        // (document, offset, reason)
        ("[1,2,]", 5, "unexpected character ']'"),
        (#"{"a":1,}"#, 7, "expected a member name in double quotes"),
        ("[1 2]", 3, "expected ',' or ']' in array"),
        (#"{"a":1 "b":2}"#, 7, "expected ',' or '}' in object"),
        (#"{"a" 1}"#, 5, "expected ':'"),
        ("{a:1}", 1, "expected a member name in double quotes"),
        ("", 0, "unexpected end of input"),
        ("   ", 3, "unexpected end of input"),
        ("[1,", 3, "unexpected end of input"),
        ("[1", 2, "unterminated array"),
        (#"{"a":1"#, 6, "unterminated object"),
        (#""abc"#, 4, "unterminated string"),
        (#"""#, 1, "unterminated string"),
        (#""a\n"#, 4, "unterminated string"),
        (#""\u00e9\"#, 8, "unterminated escape"),
        ("\"\\u00\n0\"", 5, "invalid hex digit in \\u escape"),
        (#""a\ud83d\u12"#, 10, "truncated \\u escape"),
        (#"["a\"#, 4, "unterminated escape"),
        (#""a\x""#, 3, "invalid escape sequence"),
        (#""\u12""#, 3, "truncated \\u escape"),
        (#""\u12G4""#, 5, "invalid hex digit in \\u escape"),
        ("\"a\tb\"", 2, "control character in string"),
        ("\"a\\nb\nc\"", 5, "control character in string"),
        ("tru", 0, "unexpected end of input"),
        ("nul", 0, "unexpected end of input"),
        ("trUe", 0, "invalid literal"),
        ("[nulL]", 1, "invalid literal"),
        ("'a'", 0, "unexpected character '''"),
        ("+1", 0, "unexpected character '+'"),
        (".5", 0, "unexpected character '.'"),
        ("-", 1, "invalid number"),
        ("-a", 1, "invalid number"),
        ("1.", 2, "invalid number: digits expected after '.'"),
        ("1.e3", 2, "invalid number: digits expected after '.'"),
        ("1e", 2, "invalid number: digits expected in exponent"),
        ("1e+", 3, "invalid number: digits expected in exponent"),
        ("NaN", 0, "unexpected character 'N'"),
        ("{} {}", 3, "unexpected data after the JSON value"),
        ("1 2", 2, "unexpected data after the JSON value"),
        ("nullx", 4, "unexpected data after the JSON value"),
    ])
    func malformedDocumentsFailAtTheOffendingByte(document: String, offset: Int, reason: String) {
        let error = parseError(document)
        #expect(error == JSONParseError(offset: offset, reason: reason), "\(document)")
    }

    @Test func leadingZerosAreNotANumber() {
        // `0` is a whole number; the digit after it is then unexpected.
        #expect(parseError("01") == JSONParseError(offset: 1, reason: "unexpected data after the JSON value"))
        #expect(parseError("-012") == JSONParseError(offset: 2, reason: "unexpected data after the JSON value"))
        #expect(parseError("[00]") == JSONParseError(offset: 2, reason: "expected ',' or ']' in array"))
        #expect(parseError(#"{"n":007}"#) == JSONParseError(offset: 6, reason: "expected ',' or '}' in object"))
    }

    @Test func errorDescriptionNamesTheByteOffset() {
        let error = parseError("[1,]")
        #expect(error?.description == "invalid JSON at byte 3: unexpected character ']'")
    }

    @Test func offsetsCountBytesNotCharacters() {
        // "é" is two bytes, so the stray comma after the string sits at byte 6, not 5.
        #expect(parseError("[\"é\",]") == JSONParseError(offset: 6, reason: "unexpected character ']'"))
    }

    @Test func nestingUpToTheMaximumDepthIsAccepted() throws {
        let depth = JSONParser.maximumDepth
        #expect(depth == 512)
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONParser.parse(arrays)
        var levels = 0
        while case .array(let elements) = value, let first = elements.first {
            levels += 1
            value = first
        }
        #expect(levels == depth - 1)
        #expect(value == .array([]))

        let objects = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        #expect(parseError(objects) == nil)
    }

    @Test func nestingDeeperThanTheMaximumIsRejectedAtTheExtraOpeningBracket() {
        let depth = JSONParser.maximumDepth + 1
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(parseError(arrays) == JSONParseError(offset: depth - 1, reason: "nesting deeper than 512 levels"))

        let objects = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        #expect(parseError(objects) == JSONParseError(offset: (depth - 1) * 5, reason: "nesting deeper than 512 levels"))
    }

    @Test func veryDeepNestingFailsWithoutExhaustingTheStack() {
        let depth = 100_000
        let error = parseError(String(repeating: "[", count: depth))
        #expect(error == JSONParseError(offset: JSONParser.maximumDepth, reason: "nesting deeper than 512 levels"))
    }

    @Test func parsesFromAnyByteCollection() throws {
        let bytes = Array(#"{"k":[1,"two"]}"#.utf8)
        let fromArray = try JSONParser.parse(bytes)
        let fromSlice = try JSONParser.parse(bytes[...])
        let fromNonContiguous = try JSONParser.parse(bytes.lazy.map { $0 })
        #expect(fromArray == ["k": [1, "two"]])
        #expect(fromSlice == fromArray)
        #expect(fromNonContiguous == fromArray)
    }

    // MARK: - topLevelMemberRanges

    @Test func topLevelMemberRangesCoverEachValueExactly() throws {
        let text = #"{ "model" : "claude-x" , "n":12,"nested":{"model":"inner"},"list":[1, 2] }"#
        let ranges = try memberRanges(text)
        let bytes = Array(text.utf8)
        #expect(ranges.map(\.key) == ["model", "n", "nested", "list"])
        let values = ranges.map { String(decoding: bytes[$0.range], as: UTF8.self) }
        #expect(values == [#""claude-x""#, "12", #"{"model":"inner"}"#, "[1, 2]"])
    }

    @Test func aParsedRequestKnowsItsTopLevelMemberRangesButNotNestedOnes() throws {
        let text = #" {"model":"a", "nested" : {"model":"inner"},"model":"b"} "#
        let parsed = try JSONParser.parseRequest(Array(text.utf8))
        #expect(parsed.memberRanges.map(\.key) == ["model", "nested", "model"])
        #expect(parsed.memberRanges.map(\.range) == (try memberRanges(text)).map(\.range))
        #expect(String(decoding: Array(text.utf8)[parsed.memberRanges[2].range], as: UTF8.self) == #""b""#)
        #expect(try JSONParser.parseRequest(Array("[{\"model\":1}]".utf8)).memberRanges.isEmpty)
    }

    @Test func topLevelMemberRangesOfAnEmptyObjectAreEmpty() throws {
        #expect(try memberRanges("{}").isEmpty)
        #expect(try memberRanges("  { } ").isEmpty)
    }

    @Test func topLevelMemberRangesDecodeEscapedKeys() throws {
        let ranges = try memberRanges(#"{"mo\u0064el":"x"}"#)
        #expect(ranges.map(\.key) == ["model"])
        #expect(ranges.first?.range == 14..<17)
    }

    @Test func topLevelMemberRangesRejectNonObjectsAndMalformedMembers() {
        #expect(throws: JSONParseError(offset: 0, reason: "expected an object")) { try memberRanges("[1]") }
        #expect(throws: JSONParseError(offset: 8, reason: "expected a member name in double quotes")) { try memberRanges(#"{"a":1, "#) }
        #expect(throws: JSONParseError(offset: 7, reason: "expected a member name in double quotes")) { try memberRanges(#"{"a":1,}"#) }
        #expect(throws: JSONParseError(offset: 6, reason: "expected ',' or '}' in object")) { try memberRanges(#"{"a":1]"#) }
        #expect(throws: JSONParseError(offset: 5, reason: "unexpected character '}'")) { try memberRanges(#"{"a":}"#) }
    }

    /// The ranges pass over the values without making them, and must refuse what parsing refuses,
    /// with the same offset and reason.
    @Test(arguments: [
        #""abc"#, #""a\xb""#, #""a\u12G4""#, #""a\u12""#, "\"a\u{01}b\"", #""a\"#, "[1,]", "[1 2]", "[", #"{"k" 1}"#, "{1:2}", #"{"k":1,}"#,
        "tru", "nul", "fals", "-", "1.", "1e", "1e+", "-x", "01", "[01]", "+1", ".5", #"{"a":[1,{"b":"\u"}]}"#, "]",
        String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth),
    ])
    func topLevelMemberRangesRefuseWhatParsingRefuses(value: String) throws {
        let text = #"{"model":"m","value":"# + value + "}"
        let parsed = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        let ranged = #expect(throws: JSONParseError.self) { try memberRanges(text) }
        #expect(parsed == ranged)
    }

    @Test func topLevelMemberRangesPassOverEscapesUnicodeAndSurrogates() throws {
        let value = #"{"t":"line\n\"quoted\" \\ \/ \b\f\r\t \u00e9 \ud83d\ude00 \ud800 alone","n":[-1.5e+3,0,true,false,null,{}],"e":"é😀"}"#
        let text = #"{"model":"m","value":"# + value + #","last":1}"#
        let ranges = try memberRanges(text)
        #expect(ranges.map(\.key) == ["model", "value", "last"])
        #expect(String(decoding: Array(text.utf8)[ranges[1].range], as: UTF8.self) == value)
    }

    // MARK: - Escaped strings

    /// `string` as JSON that escapes every character it can: ASCII-only (`\uXXXX`, surrogate
    /// pairs above the basic plane, as Python's `json` writes), letter escapes, and `\/`.
    private static func escapedEverywhere(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "/": text += "\\/"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            case _ where scalar.isASCII && scalar.value >= 0x20: text.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16, uppercase: true)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        return text + "\""
    }

    /// Strings of every kind of character, written plainly and escaped everywhere, from empty to
    /// long (a small string's storage and a heap one's), read back as they were.
    @Test func escapedStringsOfEveryKindReadBackAsWritten() throws {
        let pool: [String] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "中", "😀", "\u{FFFD}", "line\n", "\u{7F}"]
        var random = SeededSplitMix64(seed: 42)
        for _ in 0..<300 {
            let string = (0..<random.below(120)).map { _ in pool[random.below(pool.count)] }.joined()
            #expect(try JSONParser.parse(String(decoding: JSONWriter.encode(.string(string)), as: UTF8.self)) == .string(string))
            #expect(try JSONParser.parse(Self.escapedEverywhere(string)) == .string(string), "\(Self.escapedEverywhere(string))")
        }
        // Lone surrogates become U+FFFD, and the escape after a lone high one may start a pair.
        #expect(try JSONParser.parse(#""a\ud800b\udc00c\ud800\ud83d\ude00""#) == .string("a\u{FFFD}b\u{FFFD}c\u{FFFD}😀"))
    }

}

/// `JSONValue`'s equality is structural: member order does not matter, numbers compare by value.
@Suite struct JSONValueEqualityTests {
    @Test func objectsWithTheSameMembersInAnotherOrderAreEqual() throws {
        let a = try JSONParser.parse(#"{"a":1,"b":[true,null],"c":{"x":"y","z":2}}"#)
        let b = try JSONParser.parse(#"{"c":{"z":2,"x":"y"},"b":[true,null],"a":1}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
    }

    @Test func numbersCompareByValue() {
        #expect(JSONValue.number("1") == .number("1.0"))
        #expect(JSONValue.number("1e3") == .number("1000"))
        #expect(JSONValue.number("-0.5") == .number("-5e-1"))
        #expect(JSONValue.number("1").hashValue == JSONValue.number("1.0").hashValue)
        #expect(JSONValue.number("1") != .number("2"))
    }

    @Test func differentValuesAreNotEqual() {
        #expect(JSONValue.array([1, 2]) != .array([2, 1]))
        #expect(JSONValue.object(["a": 1]) != .object(["a": 1, "b": 2]))
        #expect(JSONValue.object(["a": 1, "b": 2]) != .object(["a": 1, "c": 2]))
        #expect(JSONValue.string("1") != .number("1"))
        #expect(JSONValue.null != .bool(false))
        #expect(JSONValue.bool(true) != .bool(false))
        #expect(JSONValue.object(["a": .null]) != .object([:]))
    }

    @Test func accessorsReadTheirCaseOnly() {
        let value: JSONValue = ["s": "text", "i": 42, "f": 2.5, "b": true, "n": nil, "a": [1], "o": ["k": "v"]]
        #expect(value["s"]?.stringValue == "text")
        #expect(value["i"]?.intValue == 42)
        #expect(value["f"]?.intValue == nil)
        #expect(value["f"]?.doubleValue == 2.5)
        #expect(value["b"]?.boolValue == true)
        #expect(value["n"]?.isNull == true)
        #expect(value["a"]?[0] == 1)
        #expect(value["o"]?["k"] == "v")
        #expect(value["s"]?.intValue == nil)
        #expect(value["missing"] == nil)
        #expect(JSONValue.number("1e3").intValue == 1000)
        #expect(JSONValue.number("10.0").intValue == 10)
        #expect(JSONValue.number("1e300").intValue == nil)
        #expect(value.objectValue?.keys == ["s", "i", "f", "b", "n", "a", "o"])
    }

    @Test func typeNamesAreJSONs() {
        let values: [JSONValue] = [nil, true, 1, "s", [], [:]]
        #expect(values.map(\.typeName) == ["null", "boolean", "number", "string", "array", "object"])
    }

    @Test func objectSubscriptReplacesInPlaceRemovesAndAppends() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["b"] = "two"
        object["a"] = nil
        object["d"] = 4
        #expect(object.keys == ["b", "c", "d"])
        #expect(object["b"] == "two")
    }
}
