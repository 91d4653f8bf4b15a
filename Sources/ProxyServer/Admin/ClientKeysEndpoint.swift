import Hummingbird
import ProxyCore

/// Client keys over HTTP, for admins (`ADMIN_API_KEY`, or this machine when none is set):
/// - `POST /admin/keys` `{"name": "alice", "budget_usd": 50, "budget_period": "month", "rpm": 60,
///   "tpm": 200000, "models": ["sonnet", "haiku"], "expires": "30d"}` → 201 with the key, shown once;
/// - `GET /admin/keys`, `GET /admin/keys/{name}`: limits, spend this period, last use;
/// - `PATCH /admin/keys/{name}` with the members to change (`null` removes a limit);
/// - `DELETE /admin/keys/{name}`: revokes it.
/// A change takes effect on this instance at once, on others within their next reading (2 s).
struct ClientKeysEndpoint: Sendable {
    let shared: SharedServices

    func create(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let registry = try checked(request, context: context)
        let body = try await json(request)
        guard let name = body["name"]?.stringValue else { throw AnthropicError.invalidRequest("name: Field required (the key's name, such as alice)") }
        let (secret, key) = try await registry.store.createKey(named: name, try ClientKeyChange(json: body, now: .now), now: .now)
        await registry.refresh()
        guard case .object(var listing) = ClientKeyListing(key: key, spentUSD: 0, lastUsed: nil).json(at: .now) else { return .json(.null) }
        listing.append("key", .string(secret))
        return .json(.object(listing), status: .created)
    }

    func list(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let registry = try checked(request, context: context)
        let now = UTCTime.now
        return .json(["keys": .array(try await registry.store.keyListings(now: now).map { $0.json(at: now) })])
    }

    func show(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let registry = try checked(request, context: context)
        let now = UTCTime.now
        return .json(try await registry.store.keyListing(named: try Self.name(context), now: now).json(at: now))
    }

    func update(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let registry = try checked(request, context: context)
        let body = try await json(request)
        if let renamed = body["name"]?.stringValue, renamed != (try Self.name(context)) {
            throw AnthropicError.invalidRequest("name: a key cannot be renamed (its requests are in the ledger under its name); make another")
        }
        let key = try await registry.store.updateKey(named: try Self.name(context), try ClientKeyChange(json: body, now: .now))
        await registry.refresh()
        let now = UTCTime.now
        return .json(try await registry.store.keyListing(named: key.name, now: now).json(at: now))
    }

    func revoke(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let registry = try checked(request, context: context)
        let key = try await registry.store.revokeKey(named: try Self.name(context), now: .now)
        await registry.refresh()
        return .json(["name": .string(key.name), "status": "revoked", "revoked_at": key.revokedAt.map { .string($0.iso8601) } ?? .null])
    }

    /// The registry, once the caller may administer keys.
    private func checked(_ request: Request, context: ProxyRequestContext) throws -> ClientKeyRegistry {
        try request.checkAdminAccess(context: context, services: shared.forRequest(), sessions: shared.adminSessions)
        guard let registry = shared.clientKeys else {
            throw AnthropicError(.notFound, "Client keys are kept in the usage database, and it is off (USAGE_DATABASE=off); set USAGE_DATABASE to use them.")
        }
        return registry
    }

    private func json(_ request: Request) async throws -> JSONValue {
        let body = try await request.body.collect(upTo: 64 * 1024)
        do {
            return try JSONParser.parse(Array(body.readableBytesView))
        } catch {
            throw AnthropicError.invalidRequest("The request body is not valid JSON: \(error)")
        }
    }

    private static func name(_ context: ProxyRequestContext) throws -> String {
        guard let name = context.parameters.get("name") else { throw AnthropicError.invalidRequest("The path names no key: /admin/keys/NAME") }
        return name
    }
}
