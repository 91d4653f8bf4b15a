/// One exchange as the usage ledger stores it: a row of the `requests` table, made from the
/// exchange's record. Tokens are the counts the client was told (input without cached tokens, as
/// in Anthropic's usage); the client is named by its key's name, never the key.
package struct LedgerRow: Sendable, Equatable {
    /// A value of a column, as both databases take it.
    package enum Value: Sendable, Equatable {
        case integer(Int64)
        case real(Double)
        case text(String)
        case null
    }

    /// The `requests` table's columns, in the order of `values`.
    package static let columns = [
        "id", "started_at", "session_id", "client_key", "client_model", "provider", "upstream_model", "status", "error_type", "stream",
        "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "web_search_requests", "cost_usd", "duration_ms", "ttfb_ms",
        "attempts", "route",
    ]

    package var id: String
    /// ISO 8601, UTC, to the millisecond: text that sorts as time does.
    package var startedAt: String
    package var sessionID: String?
    /// Empty without client keys.
    package var clientKey: String
    package var clientModel: String?
    /// The provider as people name it (`openai`, `deepseek`); empty when no target was reached.
    package var provider: String
    package var upstreamModel: String
    package var status: Int
    package var errorType: String?
    package var stream: Bool
    package var inputTokens: Int
    package var outputTokens: Int
    package var cacheReadTokens: Int
    package var cacheWriteTokens: Int
    package var webSearchRequests: Int
    /// Nil when the model's prices are unknown.
    package var costUSD: Double?
    package var durationMilliseconds: Int
    package var timeToFirstByteMilliseconds: Int?
    package var attempts: Int
    /// The route routing by need chose (`think`, `long_context`); nil for rows written before routes.
    package var route: String?

    package init(_ record: RequestRecord) {
        id = record.id
        startedAt = record.receivedAt.iso8601
        sessionID = record.sessionID
        clientKey = record.clientKey ?? ""
        clientModel = record.clientModel
        provider = record.target?.providerName ?? ""
        upstreamModel = record.target?.model ?? ""
        status = record.status
        errorType = record.errorType
        stream = record.stream
        let usage = record.usage ?? Usage()
        inputTokens = usage.inputTokens
        outputTokens = usage.outputTokens
        cacheReadTokens = usage.cacheReadInputTokens
        cacheWriteTokens = usage.cacheCreationInputTokens
        webSearchRequests = usage.webSearchRequests
        costUSD = record.costUSD
        durationMilliseconds = Self.milliseconds(record.duration)
        timeToFirstByteMilliseconds = record.timeToFirstByte.map(Self.milliseconds)
        attempts = record.attempts
        route = record.route?.rawValue
    }

    /// The day it started, `2026-11-30` (UTC): the key of the daily roll-ups.
    package var day: String { String(startedAt.prefix(10)) }

    /// The columns' values, in `columns` order.
    package var values: [Value] {
        [
            .text(id), .text(startedAt), sessionID.map(Value.text) ?? .null, .text(clientKey), clientModel.map(Value.text) ?? .null, .text(provider),
            .text(upstreamModel), .integer(Int64(status)), errorType.map(Value.text) ?? .null, .integer(stream ? 1 : 0), .integer(Int64(inputTokens)),
            .integer(Int64(outputTokens)), .integer(Int64(cacheReadTokens)), .integer(Int64(cacheWriteTokens)), .integer(Int64(webSearchRequests)),
            costUSD.map(Value.real) ?? .null, .integer(Int64(durationMilliseconds)), timeToFirstByteMilliseconds.map { .integer(Int64($0)) } ?? .null,
            .integer(Int64(attempts)), route.map(Value.text) ?? .null,
        ]
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

extension LedgerRow {
    /// The row as `/api/requests` shows it: the columns by name.
    package var json: JSONValue {
        var object = JSONObject()
        for (column, value) in zip(Self.columns, values) {
            switch value {
            case .integer(let number): object.append(column, column == "stream" ? .bool(number != 0) : .int(Int(number)))
            case .real(let number): object.append(column, .double(number))
            case .text(let text): object.append(column, .string(text))
            case .null: object.append(column, .null)
            }
        }
        return .object(object)
    }
}

extension LedgerRow {
    /// A row read back from the database, by column name; nil when a required column is missing.
    package init?(columns: [String: Value]) {
        guard let id = columns.text("id"), let startedAt = columns.text("started_at"), let status = columns.integer("status") else { return nil }
        self.id = id
        self.startedAt = startedAt
        sessionID = columns.text("session_id")
        clientKey = columns.text("client_key") ?? ""
        clientModel = columns.text("client_model")
        provider = columns.text("provider") ?? ""
        upstreamModel = columns.text("upstream_model") ?? ""
        self.status = status
        errorType = columns.text("error_type")
        stream = columns.integer("stream") == 1
        inputTokens = columns.integer("input_tokens") ?? 0
        outputTokens = columns.integer("output_tokens") ?? 0
        cacheReadTokens = columns.integer("cache_read_tokens") ?? 0
        cacheWriteTokens = columns.integer("cache_write_tokens") ?? 0
        webSearchRequests = columns.integer("web_search_requests") ?? 0
        costUSD = columns.real("cost_usd")
        durationMilliseconds = columns.integer("duration_ms") ?? 0
        timeToFirstByteMilliseconds = columns.integer("ttfb_ms")
        attempts = columns.integer("attempts") ?? 0
        route = columns.text("route")
    }
}
