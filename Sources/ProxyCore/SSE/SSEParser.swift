/// An incremental server-sent-events parser: feed it bytes as they arrive, in chunks of any size,
/// and it returns each event as soon as its closing blank line is seen (per the WHATWG spec:
/// `\n`, `\r\n` or `\r` line ends, `:` comments, multi-line `data:`).
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var eventName: String?
    private var dataLines: [String] = []
    private var hasData = false
    /// A `\r` ended the last chunk, so a `\n` starting the next one belongs to it.
    private var pendingCarriageReturn = false

    public init() {}

    public mutating func feed<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if pendingCarriageReturn {
                pendingCarriageReturn = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0A:
                processLine(into: &events)
            case 0x0D:
                processLine(into: &events)
                pendingCarriageReturn = true
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// The upstream closed: an event still missing its blank line is delivered if it has data,
    /// as lenient servers end their last event without one.
    public mutating func finish() -> [SSEEvent] {
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
        let value = String(decoding: line[valueStart...], as: UTF8.self)
        if field.elementsEqual("data".utf8) {
            dataLines.append(value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventName = value
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer {
            eventName = nil
            dataLines.removeAll(keepingCapacity: true)
            hasData = false
        }
        guard hasData else { return }
        events.append(SSEEvent(event: eventName, data: dataLines.count == 1 ? dataLines[0] : dataLines.joined(separator: "\n")))
    }
}
