import Hummingbird
import ProxyCore

/// The usage API the dashboard and scripts read, open to this machine or to `ADMIN_API_KEY`:
/// - `GET /api/usage?from=&to=&group_by=day|model|key|session`: the ledger's requests grouped,
///   with the total;
/// - `GET /api/targets?from=`: per target, requests, errors and latency percentiles;
/// - `GET /api/requests?limit=`: the newest requests (50 by default, at most 1,000);
/// - `GET /api/status`: what is happening now (streams open).
struct UsageEndpoint: Sendable {
    let shared: SharedServices
    let ledger: UsageLedger?

    func report(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let store = try await readyStore(request, context: context)
        let parameters = request.uri.queryParameters
        let query = try UsageQuery(
            from: parameters["from"].map(String.init), to: parameters["to"].map(String.init), groupBy: parameters["group_by"].map(String.init), now: .now)
        let summaries = try await reading { try await store.summaries(query) }
        return .json([
            "from": .string(query.fromDay), "to": .string(query.toDay), "group_by": .string(query.grouping.rawValue),
            "rows": .array(summaries.map(\.json)), "total": UsageSummary.total(summaries).json,
        ])
    }

    func targets(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let store = try await readyStore(request, context: context)
        let query = try UsageQuery(from: request.uri.queryParameters["from"].map(String.init) ?? "6d", to: nil, groupBy: nil, now: .now)
        let samples = try await reading { try await store.latencySamples(since: UTCTime.startOfDay(query.fromDay)?.iso8601 ?? query.fromDay) }
        return .json(["from": .string(query.fromDay), "rows": .array(TargetLatency.report(samples).map(\.json))])
    }

    func recent(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let store = try await readyStore(request, context: context)
        let text = request.uri.queryParameters["limit"].map(String.init) ?? "50"
        guard let limit = Int(text), (1...1000).contains(limit) else {
            throw AnthropicError.invalidRequest("limit: must be a whole number from 1 to 1000, not '\(text)'")
        }
        return .json(["rows": .array(try await reading { try await store.recentRequests(limit: limit) }.map(\.json))])
    }

    func status(_ request: Request, context: ProxyRequestContext) throws -> Response {
        try request.checkAdminAccess(context: context, services: shared.forRequest(), sessions: shared.adminSessions)
        return .json(["streams_open": .int(shared.metrics.openStreams), "ledger": .bool(ledger != nil)])
    }

    /// What `body` reads from the store; a database that cannot answer is a 503 that says why.
    private func reading<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch {
            throw AnthropicError(.api, "The usage database cannot be read now: \(error). Requests are still served.", status: 503)
        }
    }

    /// The store, once the caller may read it and the last second's records are written.
    private func readyStore(_ request: Request, context: ProxyRequestContext) async throws -> any UsageStore {
        try request.checkAdminAccess(context: context, services: shared.forRequest(), sessions: shared.adminSessions)
        guard let ledger else {
            throw AnthropicError(.notFound, "The usage ledger is off (USAGE_DATABASE=off); set USAGE_DATABASE to keep one.")
        }
        await ledger.flush()
        return ledger.store
    }
}
