import Hummingbird
import ProxyCore

/// `GET /api/usage?from=&to=&group_by=day|model|key|session`: what the ledger holds, grouped, with
/// the total; what the dashboard and scripts read. Open to this machine, or to whoever presents
/// `ADMIN_API_KEY` when it is set.
struct UsageEndpoint: Sendable {
    let shared: SharedServices
    let ledger: UsageLedger?

    func report(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let services = shared.forRequest()
        try request.checkAdminAccess(context: context, services: services)
        guard let ledger else {
            throw AnthropicError(.notFound, "The usage ledger is off (USAGE_DATABASE=off); set USAGE_DATABASE to keep one.")
        }
        let parameters = request.uri.queryParameters
        let query = try UsageQuery(
            from: parameters["from"].map(String.init), to: parameters["to"].map(String.init), groupBy: parameters["group_by"].map(String.init), now: .now)
        // The last second's records are still in the buffer: write them first.
        await ledger.flush()
        let summaries = try await ledger.store.summaries(query)
        return .json([
            "from": .string(query.fromDay), "to": .string(query.toDay), "group_by": .string(query.grouping.rawValue),
            "rows": .array(summaries.map(\.json)), "total": UsageSummary.total(summaries).json,
        ])
    }
}
