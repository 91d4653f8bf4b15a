import Hummingbird
import ProxyCore

/// `GET /v1/models` and `GET /v1/models/{id}` in Anthropic's shapes: the Claude names the proxy
/// serves (those the router can send somewhere), each naming the model that answers it, with what
/// a request can have of it (`ServedCapabilities`); one model is found by its id or its undated
/// alias.
struct ModelsEndpoint: Sendable {
    let shared: SharedServices

    func list(_ request: Request) throws -> Response {
        let services = shared.forRequest()
        let served = ClaudeModelName.known.compactMap { name in servedEntry(name, services: services) }
        let query = request.uri.queryParameters
        let page = try ModelListPage(
            served, id: { $0["id"]?.stringValue ?? "" }, limit: query["limit"].map(String.init), afterID: query["after_id"].map(String.init),
            beforeID: query["before_id"].map(String.init))
        return .json([
            "data": .array(page.entries), "has_more": .bool(page.hasMore),
            "first_id": page.entries.first?["id"] ?? .null, "last_id": page.entries.last?["id"] ?? .null,
        ])
    }

    func model(id: String) throws -> Response {
        let services = shared.forRequest()
        guard let name = ClaudeModelName.named(id), let entry = servedEntry(name, services: services) else {
            throw AnthropicError(.notFound, "model: '\(id)' is not a Claude model this proxy serves; GET /v1/models lists them.")
        }
        return .json(entry)
    }

    private func servedEntry(_ name: ClaudeModelName, services: ProxyServices) -> JSONValue? {
        let router = NeedRouter(configuration: services.configuration, router: services.router, catalog: services.catalog)
        guard let target = try? services.router.route(name.id), let capabilities = ServedCapabilities(model: name.id, router: router, catalog: services.catalog)
        else { return nil }
        return name.json(
            servedBy: target.qualifiedModel, profile: services.catalog.profile(for: target.model, preset: target.preset), capabilities: capabilities)
    }
}
