import Hummingbird
import ProxyCore

/// `GET /v1/models` in Anthropic's list shape: the Claude names clients use, each mapped to the
/// upstream model it reaches, then the configured models under their own names.
struct ModelsEndpoint: Sendable {
    let shared: SharedServices

    /// The Claude names Claude Code offers today.
    static let claudeNames = ["claude-opus-5-5", "claude-sonnet-4-6", "claude-haiku-4-5", "opus", "sonnet", "haiku"]

    func list() -> Response {
        let services = shared.forRequest()
        let configuration = services.configuration
        var entries: [(id: String, display: String)] = []
        for name in Self.claudeNames {
            guard let target = try? services.router.route(name) else { continue }
            entries.append((name, "\(name) → \(target.qualifiedModel)"))
        }
        for model in [configuration.bigModel, configuration.smallModel, configuration.opusModel] where !entries.contains(where: { $0.id == model }) {
            entries.append((model, model))
        }
        let data: [JSONValue] = entries.map { entry in
            ["type": "model", "id": .string(entry.id), "display_name": .string(entry.display), "created_at": "2025-01-01T00:00:00Z"]
        }
        return .json([
            "data": .array(data), "has_more": false,
            "first_id": data.first?["id"] ?? .null, "last_id": data.last?["id"] ?? .null,
        ])
    }
}
