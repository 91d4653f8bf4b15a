/// An incremental server-sent-events parser: feed it bytes as they arrive, in chunks of any size,
/// and it returns each event as soon as its closing blank line is seen (per the WHATWG spec:
/// `\n`, `\r\n` or `\r` line ends, `:` comments, multi-line `data:`).
package struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var eventName: String?
    private var dataLines: [String] = []
    private var hasData = false
    /// A `\r` ended the last chunk, so a `\n` starting the next one belongs to it.
    private var pendingCarriageReturn = false
    /// The only events returned, when not all are wanted.
    private let eventNames: Set<String>?

    package init() {
        eventNames = nil
    }

    /// A parser that returns only events named one of `eventNames`, and does not gather the data
    /// of others: for watching a few small events of a stream passed through as it is.
    package init(only eventNames: Set<String>) {
        self.eventNames = eventNames
    }

    package mutating func feed<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [SSEEvent] {
        if let events = bytes.withContiguousStorageIfAvailable({ feed(UnsafeRawBufferPointer($0)) }) { return events }
        return Array(bytes).withUnsafeBytes { feed($0) }
    }

    /// Scans for line ends and copies each line's bytes at once: a stream's chunks pass through
    /// here byte for byte, so this is the hottest loop of a translated stream.
    package mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [SSEEvent] {
        var events: [SSEEvent] = []
        var index = 0
        if pendingCarriageReturn, !bytes.isEmpty {
            pendingCarriageReturn = false
            if bytes[0] == 0x0A { index = 1 }
        }
        var lineStart = index
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x0A || byte == 0x0D else {
                index += 1
                continue
            }
            line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<index]))
            processLine(into: &events)
            index += 1
            if byte == 0x0D {
                if index == bytes.count {
                    pendingCarriageReturn = true
                } else if bytes[index] == 0x0A {
                    index += 1
                }
            }
            lineStart = index
        }
        line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<bytes.count]))
        return events
    }

    /// Where the event that starts at `start` in `bytes` ends, past its blank line (in any of SSE's
    /// three line endings); nil while it is not whole. For passing events on as they came.
    package static func endOfEvent(in bytes: [UInt8], from start: Int = 0) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 0x0A, bytes[index + 1] == 0x0A { return index + 2 }
            if bytes[index] == 0x0D, bytes[index + 1] == 0x0D { return index + 2 }
            if index + 3 < bytes.count, bytes[index] == 0x0D, bytes[index + 1] == 0x0A, bytes[index + 2] == 0x0D, bytes[index + 3] == 0x0A {
                return index + 4
            }
            index += 1
        }
        return nil
    }

    /// The upstream closed: an event still missing its blank line is delivered if it has data,
    /// as lenient servers end their last event without one.
    package mutating func finish() -> [SSEEvent] {
        var events: [SSEEvent] = []
        if !line.isEmpty { processLine(into: &events) }
        dispatch(into: &events)
        return events
    }


    private mutating func processLine(into events: inout [SSEEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        var valueStart = colon == line.endIndex ? colon : line.index(after: colon)
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let field = line[..<colon]
        if field.elementsEqual("data".utf8) {
            // An event's name may come after its data, so data is gathered until a name rules it out.
            guard eventName == nil || isWanted(eventName) else { return }
            dataLines.append(String(decoding: line[valueStart...], as: UTF8.self))
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventName = String(decoding: line[valueStart...], as: UTF8.self)
        }
    }

    private func isWanted(_ name: String?) -> Bool {
        guard let eventNames else { return true }
        return name.map(eventNames.contains) ?? false
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer {
            eventName = nil
            dataLines.removeAll(keepingCapacity: true)
            hasData = false
        }
        guard hasData, isWanted(eventName) else { return }
        events.append(SSEEvent(event: eventName, data: dataLines.count == 1 ? dataLines[0] : dataLines.joined(separator: "\n")))
    }
}
