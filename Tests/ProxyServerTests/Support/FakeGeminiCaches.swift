import Foundation
import ProxyCore
import Synchronization

/// The fake Gemini upstream's explicit caches (`cachedContents`), as strict as the real API:
/// creation needs a model, a `ttl` and at least the model's minimum of tokens; a request served
/// from a cache may not carry a system instruction, tools or tool config beside it, must name the
/// cache's model, and is answered 403 "CachedContent not found (or permission denied)" once the
/// cache has expired or was deleted. A request served from a cache is checked whole (the cache's
/// part and its own), and reports the cache's tokens as `cachedContentTokenCount`.
final class FakeGeminiCaches: Sendable {
    struct Cache: Sendable {
        var name: String
        var model: String
        /// `contents`, `systemInstruction`, `tools`, `toolConfig` as created.
        var body: JSONObject
        var tokens: Int
        var ttl: String
    }

    private struct State {
        var caches: [String: Cache] = [:]
        var created: [Cache] = []
        var deleted: [String] = []
        var missingStatus = 403
        var refusesCreation = false
        var creationAttempts = 0
    }

    /// The least a cache of each model holds in the fake (Flash 1,024, the others 4,096).
    static func minimumTokens(of model: String) -> Int {
        model.contains("flash") ? 1_024 : 4_096
    }

    /// The fake's token count of a body: four bytes of JSON a token.
    static func tokens(of value: JSONValue) -> Int {
        JSONWriter.encode(value).count / 4
    }

    private let state = Mutex(State())

    /// Every cache created, in order (deleted and expired ones included).
    var created: [Cache] {
        state.withLock { $0.created }
    }

    /// The caches live now, by name.
    var live: [String] {
        state.withLock { $0.caches.keys.sorted() }
    }

    var deleted: [String] {
        state.withLock { $0.deleted }
    }

    /// The status a request for a cache that is gone gets: the Gemini API's 403, or 404 as some
    /// gateways answer.
    var missingStatus: Int {
        get { state.withLock { $0.missingStatus } }
        set { state.withLock { $0.missingStatus = newValue } }
    }

    /// Answers creation with a 404, as a gateway without the caching API does.
    func refuseCreation() {
        state.withLock { $0.refusesCreation = true }
    }

    /// Creations asked for, refused ones included.
    var creationAttempts: Int {
        state.withLock { $0.creationAttempts }
    }

    /// Ends every cache, as their time to live running out does.
    func expireAll() {
        state.withLock { $0.caches = [:] }
    }

    /// `POST /v1beta/cachedContents`: the created cache's resource, or an error's status and message.
    func create(_ body: JSONValue) -> Result<JSONValue, FakeGeminiError> {
        let refuses = state.withLock { state in
            state.creationAttempts += 1
            return state.refusesCreation
        }
        if refuses { return .failure(FakeGeminiError(status: 404, statusName: "NOT_FOUND", message: "Method not found.")) }
        guard case .object(let object) = body else { return .failure(.invalid("Invalid JSON payload received.")) }
        let known: Set<String> = ["model", "contents", "systemInstruction", "tools", "toolConfig", "ttl", "expireTime", "displayName"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            return .failure(.invalid("Invalid JSON payload received. Unknown name \"\(unknown)\": Cannot find field."))
        }
        guard let model = object["model"]?.stringValue, model.hasPrefix("models/"),
            StrictGeminiValidator.outputCeilings[String(model.dropFirst("models/".count))] != nil
        else {
            return .failure(FakeGeminiError(status: 404, statusName: "NOT_FOUND", message: "Model is not found or does not support caching."))
        }
        guard let ttl = object["ttl"]?.stringValue, ttl.hasSuffix("s"), Int(ttl.dropLast()) != nil else {
            return .failure(.invalid("* CachedContent.ttl: a duration in seconds such as \"300s\" is required"))
        }
        var cached = JSONObject()
        for member in ["contents", "systemInstruction", "tools", "toolConfig"] { if let value = object[member] { cached[member] = value } }
        let tokens = Self.tokens(of: .object(cached))
        let minimum = Self.minimumTokens(of: model)
        guard tokens >= minimum else {
            return .failure(.invalid("Cached content is too small. total_token_count=\(tokens), min_total_token_count=\(minimum)"))
        }
        let cache = Cache(name: "cachedContents/\(UUID().uuidString.lowercased().prefix(12))", model: model, body: cached, tokens: tokens, ttl: ttl)
        state.withLock { state in
            state.caches[cache.name] = cache
            state.created.append(cache)
        }
        return .success([
            "name": .string(cache.name), "model": .string(model), "displayName": "", "ttl": .string(ttl),
            "usageMetadata": ["totalTokenCount": .int(tokens)],
        ])
    }

    /// What the Gemini API answers for a cache that expired, was deleted or never was.
    private var missing: FakeGeminiError {
        let status = missingStatus
        return FakeGeminiError(status: status, statusName: status == 404 ? "NOT_FOUND" : "PERMISSION_DENIED", message: "CachedContent not found (or permission denied)")
    }

    /// `DELETE /v1beta/cachedContents/{id}`.
    func delete(_ name: String) -> Result<JSONValue, FakeGeminiError> {
        let removed = state.withLock { state in
            guard state.caches.removeValue(forKey: name) != nil else { return false }
            state.deleted.append(name)
            return true
        }
        return removed ? .success([:]) : .failure(missing)
    }

    /// A generate request as the model sees it: the cache's part joined with the request's, and the
    /// cache's size; the request itself when it names no cache.
    func resolve(_ body: JSONValue, model: String) -> Result<(body: JSONValue, cachedTokens: Int), FakeGeminiError> {
        guard let name = body["cachedContent"]?.stringValue else { return .success((body, 0)) }
        guard var object = body.objectValue else { return .failure(.invalid("Invalid JSON payload received.")) }
        if ["systemInstruction", "tools", "toolConfig"].contains(where: { object[$0] != nil }) {
            return .failure(
                .invalid(
                    "CachedContent can not be used with GenerateContent request setting system_instruction, tools or tool_config.\n\nProposed fix: move those values to CachedContent from GenerateContent request."
                ))
        }
        guard let cache = state.withLock({ $0.caches[name] }) else { return .failure(missing) }
        guard cache.model == "models/\(model)" else {
            return .failure(.invalid("Model used by GenerateContent request (models/\(model)) and CachedContent (\(cache.model)) has to be the same."))
        }
        object["cachedContent"] = nil
        for member in ["systemInstruction", "tools", "toolConfig"] { if let value = cache.body[member] { object[member] = value } }
        object["contents"] = .array((cache.body["contents"]?.arrayValue ?? []) + (object["contents"]?.arrayValue ?? []))
        return .success((.object(object), cache.tokens))
    }
}

/// An error the fake Gemini API answers with.
struct FakeGeminiError: Error, Sendable {
    var status: Int
    var statusName: String
    var message: String

    static func invalid(_ message: String) -> FakeGeminiError {
        FakeGeminiError(status: 400, statusName: "INVALID_ARGUMENT", message: message)
    }

}
