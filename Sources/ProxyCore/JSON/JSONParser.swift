/// Why a document is not valid JSON, and where.
package struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem in the input.
    package let offset: Int
    package let reason: String

    package var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes, producing `JSONValue`s.
///
/// Hand-written because decoding is the largest cost on the request path: it makes one pass, copies
/// string bytes once, and keeps numbers as their literal text.
package struct JSONParser {
    /// Deeper nesting than this is rejected rather than risking the stack.
    package static let maximumDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private let cache: JSONFragmentCache?
    private let conversations: ConversationPrefixCache?
    private var position = 0
    private var depth = 0
    /// The elements of the top-level `messages` array, when `conversations` parsed it.
    private var conversation: [ConversationPrefixCache.Element]?
    /// The top-level object's members' value ranges, for `ParsedRequest`.
    private var memberRanges: [(key: String, range: Range<Int>)] = []

    private init(bytes: UnsafeRawBufferPointer, cache: JSONFragmentCache? = nil, conversations: ConversationPrefixCache? = nil) {
        self.bytes = bytes
        self.cache = cache
        self.conversations = conversations
    }

    /// Parses one JSON document; anything but white space after it is an error. The top-level
    /// members that `cache` names are taken from it when their bytes were parsed before, and so are
    /// the elements of a top-level `messages` array that `conversations` kept from an earlier turn.
    package static func parse(
        _ bytes: UnsafeRawBufferPointer, reusing cache: JSONFragmentCache? = nil, conversations: ConversationPrefixCache? = nil
    ) throws(JSONParseError) -> JSONValue {
        try parseRequest(bytes, reusing: cache, conversations: conversations).value
    }

    package static func parse<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, reusing cache: JSONFragmentCache? = nil, conversations: ConversationPrefixCache? = nil
    ) throws(JSONParseError) -> JSONValue {
        try parseRequest(bytes, reusing: cache, conversations: conversations).value
    }

    /// Parses as `parse` does, and gives, for each element of a top-level `messages` array that
    /// `conversations` parsed, the place for what later steps make of it (`DerivedValue`): an
    /// element reused from an earlier turn brings what was kept there; and where each top-level
    /// member's value is.
    package static func parseRequest(
        _ bytes: UnsafeRawBufferPointer, reusing cache: JSONFragmentCache? = nil, conversations: ConversationPrefixCache? = nil
    ) throws(JSONParseError) -> ParsedRequest {
        var parser = JSONParser(bytes: bytes, cache: cache, conversations: conversations)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected data after the JSON value") }
        return ParsedRequest(value: value, derivedFromMessages: parser.conversation?.map(\.derived), memberRanges: parser.memberRanges)
    }

    package static func parseRequest<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, reusing cache: JSONFragmentCache? = nil, conversations: ConversationPrefixCache? = nil
    ) throws(JSONParseError) -> ParsedRequest {
        let result: Result<ParsedRequest, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(JSONParseError) {
                return .success(try parseRequest(UnsafeRawBufferPointer(buffer), reusing: cache, conversations: conversations))
            } catch {
                return .failure(error)
            }
        }
        if let result { return try result.get() }
        return try parseRequest(Array(bytes), reusing: cache, conversations: conversations)
    }

    package static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// The byte ranges of each member value of a top-level object, for editing a document in place
    /// (the passthrough rewrites only the `model` value and leaves every other byte as sent). The
    /// values are checked as strictly as `parse` checks them, but not made: passing over a late
    /// turn's megabyte of messages took about a fifth of the time parsing it had (perf samples of
    /// the passthrough, which has since stopped needing it for the bodies it receives).
    package static func topLevelMemberRanges(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> [(key: String, range: Range<Int>)] {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        guard parser.peek() == UInt8(ascii: "{") else { throw parser.error("expected an object") }
        var ranges: [(key: String, range: Range<Int>)] = []
        try parser.skipContainer(closing: UInt8(ascii: "}"), in: "object") { parser throws(JSONParseError) in
            let key = try parser.parseMemberName()
            let start = parser.position
            try parser.skipValue()
            ranges.append((key: key, range: start..<parser.position))
        }
        return ranges
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(byte)))'")
        }
    }

    /// Passes over a value as `parseValue` reads it, and as strictly, without making it.
    private mutating func skipValue() throws(JSONParseError) {
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            try skipContainer(closing: UInt8(ascii: "}"), in: "object") { parser throws(JSONParseError) in
                _ = try parser.parseMemberName()
                try parser.skipValue()
            }
        case UInt8(ascii: "["):
            try skipContainer(closing: UInt8(ascii: "]"), in: "array") { parser throws(JSONParseError) in try parser.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(byte)))'")
        }
    }

    /// A member's name, read up to its value (past the colon).
    private mutating func parseMemberName() throws(JSONParseError) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name in double quotes") }
        let name = try parseString()
        skipWhitespace()
        try expect(UInt8(ascii: ":"))
        skipWhitespace()
        return name
    }

    /// Passes over an object or an array, `skipElement` over each member or element.
    private mutating func skipContainer(
        closing: UInt8, in container: StaticString, skipElement: (inout JSONParser) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        try enterContainer()
        position += 1
        skipWhitespace()
        if peek() == closing {
            position += 1
        } else {
            repeat {
                skipWhitespace()
                try skipElement(&self)
            } while try moreFollow(closing: closing, in: container)
        }
        depth -= 1
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(JSONObject(members))
        }
        while true {
            skipWhitespace()
            let key = try parseMemberName()
            let start = position
            let value: JSONValue
            if depth == 1, let cache, cache.memberNames.contains(key) {
                value = try parseMember(reusing: cache)
            } else if depth == 1, key == "messages", conversation == nil, let conversations, peek() == UInt8(ascii: "[") {
                // Only the first `messages`: the one a lookup of the member finds.
                value = try parseConversation(reusing: conversations)
            } else {
                value = try parseValue()
            }
            members.append((key: key, value: value))
            if depth == 1 { memberRanges.append((key: key, range: start..<position)) }
            if try !moreFollow(closing: UInt8(ascii: "}"), in: "object") { break }
        }
        depth -= 1
        return .object(JSONObject(members))
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            if try !moreFollow(closing: UInt8(ascii: "]"), in: "array") { break }
        }
        depth -= 1
        return .array(elements)
    }

    /// A top-level member's value from the cache when its bytes are there, else parsed and kept.
    private mutating func parseMember(reusing cache: JSONFragmentCache) throws(JSONParseError) -> JSONValue {
        let start = position
        if let (value, count) = cache.value(prefixing: UnsafeRawBufferPointer(rebasing: bytes[start...])) {
            position += count
            return value
        }
        let value = try parseValue()
        cache.insert(value, parsedFrom: UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
        return value
    }

    /// A `messages` array whose elements are taken from `conversations` while they are those of
    /// the conversation it kept (found by the first two, which are parsed), and parsed from the
    /// first that is not; the array is kept for the next turn.
    private mutating func parseConversation(reusing conversations: ConversationPrefixCache) throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1
        var elements: [ConversationPrefixCache.Element] = []
        var kept: (key: Int, elements: [ConversationPrefixCache.Element])?
        var reusedBytes = 0
        skipWhitespace()
        if peek() != UInt8(ascii: "]") {
            while true {
                skipWhitespace()
                let start = position
                if let candidates = kept?.elements, elements.count < candidates.count,
                    candidates[elements.count].begins(UnsafeRawBufferPointer(rebasing: bytes[start...]))
                {
                    position += candidates[elements.count].bytes.count
                    reusedBytes += candidates[elements.count].bytes.count
                    elements.append(candidates[elements.count])
                } else {
                    // From the first element that differs on, the kept conversation is not this one.
                    if elements.count >= 2 { kept?.elements = [] }
                    let value = try parseValue()
                    elements.append(ConversationPrefixCache.Element(bytes: Array(UnsafeRawBufferPointer(rebasing: bytes[start..<position])), value: value))
                }
                if elements.count == 2 {
                    kept = conversations.conversation(opening: elements[0], elements[1])
                    // The same bytes as the kept opening: its elements, and what was derived from them.
                    if let opening = kept?.elements.prefix(2), opening.count == 2 { elements = Array(opening) }
                }
                if try !moreFollow(closing: UInt8(ascii: "]"), in: "array") { break }
            }
        } else {
            position += 1
        }
        depth -= 1
        if let kept, elements.allSatisfy({ ConversationPrefixCache.Element.isKept(first: $0.bytes.first ?? 0) }) {
            conversations.store(elements, key: kept.key, reusedBytes: reusedBytes)
        }
        conversation = elements
        return .array(elements.map(\.value))
    }

    /// After a container's member or element: true past a comma, false past the container's
    /// `closing` character, else an error.
    @inline(__always)
    private mutating func moreFollow(closing: UInt8, in container: StaticString) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard let byte = peek() else { throw error("unterminated \(container)") }
        position += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing { return false }
        position -= 1
        throw error("expected ',' or '\(Character(Unicode.Scalar(closing)))' in \(container)")
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        try expect(UInt8(ascii: "\""))
        let start = position
        position = bytes.firstJSONStringSpecialByte(from: position)
        // Fast path: no escapes, so the bytes are the string.
        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
            position += 1
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position - 1]), as: UTF8.self)
        }
        // Escapes: decoded straight into the new string's storage, sized by the escaped text up to
        // its end less what its escapes save, not gathered in an array that grows run by run (a
        // tool result's every line ends in one) and is then copied.
        let (end, saved) = endOfEscapedString()
        var failure: JSONParseError?
        let string = String(unsafeUninitializedCapacity: end - start - saved) { storage in
            var decoded = DecodedUTF8(storage.baseAddress!, room: storage.count)
            decoded.append(UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
            do throws(JSONParseError) {
                // Each pass is at a backslash, until the end.
                while position < end {
                    position += 1
                    try parseEscape(into: &decoded)
                    let runStart = position
                    position = bytes.firstJSONStringSpecialByte(from: position)
                    decoded.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<position]))
                }
            } catch {
                failure = error
            }
            return decoded.count
        }
        if let failure { throw failure }
        guard let byte = peek() else { throw error("unterminated string") }
        guard byte == UInt8(ascii: "\"") else { throw error("control character in string") }
        position += 1
        return string
    }

    /// Where the escaped string from `position` ends: its closing quote, the first control
    /// character (an error the decoding reaches there), or the end of the input. Escapes are passed
    /// over whole, so that an escaped quote does not end it. Also how many fewer bytes the string
    /// takes decoded, at least, counting only well-formed `\u` escapes (3 each): a character that
    /// JSON written ASCII-only escapes, as Python's `json` does, takes 3 bytes of UTF-8 at most for
    /// its 6 (a surrogate pair 4 for 12), and without them such a string's storage would be twice
    /// its size; a letter escape's one byte is not counted (2% of a text whose every line ends in
    /// `\n`). An escape not well formed saves nothing: the decoding stops there, having written no
    /// more than the bytes before it.
    private func endOfEscapedString() -> (end: Int, saved: Int) {
        var index = position
        var saved = 0
        while true {
            index = bytes.firstJSONStringSpecialByte(from: index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\\") else { return (index, saved) }
            guard index + 1 < bytes.count else { return (bytes.count, saved) }
            if bytes[index + 1] == UInt8(ascii: "u"), index + 6 <= bytes.count, (index + 2..<index + 6).allSatisfy({ Self.hexValue(of: bytes[$0]) != nil }) {
                saved += 3
            }
            index += 2
        }
    }

    /// Passes over a string as `parseString` reads it: escapes are checked, not decoded (a lone
    /// surrogate is no error: the parse makes it U+FFFD).
    private mutating func skipString() throws(JSONParseError) {
        try expect(UInt8(ascii: "\""))
        while true {
            position = bytes.firstJSONStringSpecialByte(from: position)
            guard let byte = peek() else { throw error("unterminated string") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { throw error("unterminated escape") }
                position += 1
                if escaped == UInt8(ascii: "u") {
                    _ = try parseHex4()
                } else if Self.unescaped(escaped) == nil {
                    position -= 1
                    throw error("invalid escape sequence")
                }
            default:
                position -= 1
                throw error("control character in string")
            }
        }
    }

    private mutating func parseEscape(into decoded: inout DecodedUTF8) throws(JSONParseError) {
        guard let byte = peek() else { throw error("unterminated escape") }
        position += 1
        if let unescaped = Self.unescaped(byte) { return decoded.append(byte: unescaped) }
        guard byte == UInt8(ascii: "u") else {
            position -= 1
            throw error("invalid escape sequence")
        }
        var scalar = try parseHex4()
        // A high surrogate must be followed by an escaped low surrogate; an unpaired one is
        // U+FFFD, and the escape after it may itself start a pair.
        while (0xD800..<0xDC00).contains(scalar) {
            guard peek() == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                scalar = 0xFFFD
                break
            }
            position += 2
            let next = try parseHex4()
            if (0xDC00..<0xE000).contains(next) {
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (next - 0xDC00)
                break
            }
            decoded.append(scalar: 0xFFFD)
            scalar = next
        }
        if (0xDC00..<0xE000).contains(scalar) { scalar = 0xFFFD }
        decoded.append(scalar: scalar)
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexValue(of: bytes[position]) else { throw error("invalid hex digit in \\u escape") }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// The byte a one-letter escape (`\n`, `\"`, ...) stands for; nil for any other letter.
    private static func unescaped(_ letter: UInt8) -> UInt8? {
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): letter
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    private static func hexValue(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The bytes of a string being decoded, written into storage that has room for them all
    /// (checked in debug builds: the tests' strings of every kind).
    private struct DecodedUTF8 {
        private let base: UnsafeMutablePointer<UInt8>
        private let room: Int
        private(set) var count = 0

        init(_ base: UnsafeMutablePointer<UInt8>, room: Int) {
            self.base = base
            self.room = room
        }

        mutating func append(_ run: UnsafeRawBufferPointer) {
            guard let source = run.baseAddress else { return }
            assert(count + run.count <= room, "a decoded string outgrew its room")
            UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: run.count)
            count += run.count
        }

        mutating func append(byte: UInt8) {
            assert(count < room, "a decoded string outgrew its room")
            base[count] = byte
            count += 1
        }

        /// A code point as UTF-8; one that is not a scalar (a lone surrogate) as U+FFFD.
        mutating func append(scalar: UInt32) {
            for byte in UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}")! { append(byte: byte) }
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        try skipNumber()
        return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    }

    private mutating func skipNumber() throws(JSONParseError) {
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), isDigit(first) else { throw error("invalid number") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard let next = peek(), isDigit(next) else { throw error("invalid number: digits expected after '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let next = peek(), isDigit(next) else { throw error("invalid number: digits expected in exponent") }
            skipDigits()
        }
    }

    // MARK: - Scanning

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { position += 1 }
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(JSONParseError) {
        guard peek() == byte else {
            throw error(peek() == nil ? "unexpected end of input" : "expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input") }
        for index in 0..<count where bytes[position + index] != literal.utf8Start[index] {
            throw error("invalid literal")
        }
        position += count
    }

    private func error(_ reason: String) -> JSONParseError {
        JSONParseError(offset: position, reason: reason)
    }
}
