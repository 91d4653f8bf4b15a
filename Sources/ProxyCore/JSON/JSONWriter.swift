/// Serialises `JSONValue`s to compact UTF-8 JSON, appending to a byte array.
package struct JSONWriter {
    package private(set) var bytes: [UInt8]
    /// Where long strings written before are found written, and new ones kept.
    private let strings: JSONStringEscapes?

    package init(reservingCapacity capacity: Int = 256, reusing strings: JSONStringEscapes? = nil) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.strings = strings
    }

    /// Compact JSON bytes for a value; long strings that `strings` has seen written are copied from it.
    package static func encode(_ value: JSONValue, reusing strings: JSONStringEscapes? = nil) -> [UInt8] {
        var writer = JSONWriter(reusing: strings)
        writer.write(value)
        return writer.bytes
    }

    /// Compact JSON for an object whose array member `key` goes on with `fragments`: its further
    /// elements, already written, each a comma-separated run of values (or nothing).
    package static func encode(
        _ object: JSONObject, appending fragments: [[UInt8]], toArrayAt key: String, reusing strings: JSONStringEscapes? = nil
    ) -> WrittenJSON {
        encode(object, appending: fragments.lazy.map(CollectionOfOne.init), toArrayAt: key, reusing: strings)
    }

    /// Compact JSON for an object whose array member `key` goes on with `elements`, as
    /// `encode(_:appending:toArrayAt:reusing:)` does, each of them written in pieces (a content
    /// and its kept parts). The pieces are the result's own, between what is written around them.
    package static func encode<Pieces: Collection<[UInt8]>>(
        _ object: JSONObject, appending elements: some Collection<Pieces>, toArrayAt key: String, reusing strings: JSONStringEscapes? = nil
    ) -> WrittenJSON {
        var written = WrittenJSON()
        var writer = JSONWriter(reservingCapacity: 64 << 10, reusing: strings)
        writer.write(object, continuingArrayAt: key) { writer, follows in
            written.append(writer.bytes)
            writer.bytes = []
            writer.bytes.reserveCapacity(64 << 10)
            var follows = follows
            for pieces in elements where !pieces.allSatisfy(\.isEmpty) {
                if follows { written.append(comma) }
                for piece in pieces { written.append(piece) }
                follows = true
            }
        }
        written.append(writer.bytes)
        return written
    }

    /// The separator between elements written apart, as a piece of its own.
    package static let comma = [UInt8(ascii: ",")]

    /// Compact JSON text for a value.
    package static func string(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    /// How many bytes `encode(value)` would write, without writing them.
    package static func encodedCount(_ value: JSONValue) -> Int {
        switch value {
        case .null: return 4
        case .bool(let flag): return flag ? 4 : 5
        case .number(let text): return text.utf8.count
        case .string(let text): return encodedCount(string: text)
        case .array(let elements): return 2 + max(elements.count - 1, 0) + elements.reduce(0) { $0 + encodedCount($1) }
        case .object(let object):
            return 2 + max(object.count - 1, 0) + object.members.reduce(0) { $0 + encodedCount(string: $1.key) + 1 + encodedCount($1.value) }
        }
    }

    private static func encodedCount(string: String) -> Int {
        var text = string
        return text.withUTF8 { utf8 in
            let utf8 = UnsafeRawBufferPointer(utf8)
            var count = utf8.count + 2
            var index = utf8.firstJSONStringSpecialByte(from: 0)
            while index < utf8.count {
                switch utf8[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09, 0x08, 0x0C: count += 1
                default: count += 5
                }
                index = utf8.firstJSONStringSpecialByte(from: index + 1)
            }
            return count
        }
    }

    package mutating func write(_ value: JSONValue) {
        switch value {
        case .null: appendASCII("null")
        case .bool(let flag): appendASCII(flag ? "true" : "false")
        case .number(let text): bytes.append(contentsOf: text.utf8)
        case .string(let text): write(string: text)
        case .array(let elements): write(elements)
        case .object(let object): write(object)
        }
    }

    /// An array: its elements, then what `continuation` appends, told whether it follows elements.
    private mutating func write(_ elements: [JSONValue], continuation: ((inout JSONWriter, Bool) -> Void)? = nil) {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(element)
        }
        continuation?(&self, !elements.isEmpty)
        bytes.append(UInt8(ascii: "]"))
    }

    /// An object; its array member `key`, if any, goes on with what `continuation` appends.
    private mutating func write(_ object: JSONObject, continuingArrayAt key: String? = nil, with continuation: ((inout JSONWriter, Bool) -> Void)? = nil) {
        bytes.append(UInt8(ascii: "{"))
        for (index, member) in object.members.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(string: member.key)
            bytes.append(UInt8(ascii: ":"))
            if let key, member.key == key, case .array(let elements) = member.value {
                write(elements, continuation: continuation)
            } else {
                write(member.value)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes a string literal with the escapes JSON requires (quote, backslash, control characters).
    package mutating func write(string: String) {
        guard let strings, string.utf8.count >= JSONStringEscapes.minimumBytes else { return writeEscaping(string) }
        if let text = strings.text(for: string) { return bytes.append(contentsOf: text) }
        let start = bytes.count
        writeEscaping(string)
        strings.keep(Array(bytes[start...]), for: string)
    }

    private mutating func writeEscaping(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = string
        text.withUTF8 { utf8 in
            let utf8 = UnsafeRawBufferPointer(utf8)
            var runStart = 0
            var index = utf8.firstJSONStringSpecialByte(from: 0)
            while index < utf8.count {
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(for: utf8[index])
                runStart = index + 1
                index = utf8.firstJSONStringSpecialByte(from: runStart)
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends bytes that are already JSON (or SSE framing) as they are.
    package mutating func append<Bytes: Sequence<UInt8>>(raw: Bytes) {
        bytes.append(contentsOf: raw)
    }

    private mutating func appendEscape(for byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): appendASCII("\\\"")
        case UInt8(ascii: "\\"): appendASCII("\\\\")
        case 0x0A: appendASCII("\\n")
        case 0x0D: appendASCII("\\r")
        case 0x09: appendASCII("\\t")
        case 0x08: appendASCII("\\b")
        case 0x0C: appendASCII("\\f")
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            appendASCII("\\u00")
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        }
    }

    private mutating func appendASCII(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
