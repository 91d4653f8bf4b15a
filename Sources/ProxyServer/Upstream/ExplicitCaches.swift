import AsyncHTTPClient
import NIOHTTP1
import ProxyCore
import Synchronization

/// The explicit prompt caches this instance made upstream (Gemini's `cachedContents`), by
/// upstream, key and fixed prefix, and the making and using of them (`ExplicitCachePlanner`
/// decides which). A cache that cannot be made leaves the request as it was: caching never fails
/// a request. An upstream that refuses to make caches (a gateway without the API) is not asked
/// again for a while.
final class ExplicitCaches: Sendable {
    /// What a request is sent as: its body, and the cache it is served from (`created` by it).
    struct Prepared: Sendable {
        var body: [UInt8]
        var cache: ExplicitCacheEntry?
        var created = false
    }

    /// The caches one upstream, key and fixed prefix share.
    private struct Scope: Hashable {
        var baseURL: String
        var keyFingerprint: String
        var fixedDigest: String
    }

    /// How to delete a cache: its URL, the key's header, and the target for error messages.
    private struct Deletion: Sendable {
        var url: String
        var headers: HTTPHeaders
        var target: RouteTarget
    }

    private struct State {
        var caches: [Scope: [ExplicitCacheEntry]] = [:]
        var deletions: [String: Deletion] = [:]
        /// Upstreams (base URL and key) that refused to make a cache, until when they are not asked.
        var refusing: [String: UTCTime] = [:]

        mutating func forget(_ name: String) {
            for scope in caches.keys { caches[scope]?.removeAll { $0.name == name } }
            deletions[name] = nil
        }
    }

    /// Caches kept at most; past it the soonest to expire are forgotten (upstream they expire by themselves).
    static let capacity = 1024
    /// How long an upstream that refused to make a cache is left alone.
    static let refusalPause: Int64 = 10 * 60 * 1000

    private let state = Mutex(State())
    private let planner = ExplicitCachePlanner()

    /// The request's body, served from a cache of its prefix when one is, or can be made, worth it.
    func prepare<Adapter: ProviderAdapter>(
        _ prefix: ExplicitCachePrefix, adapter: Adapter, target: RouteTarget, key: String?, services: ProxyServices
    ) async -> Prepared {
        let scope = Scope(baseURL: prefix.baseURL, keyFingerprint: key.map(UpstreamKeys.fingerprint) ?? "", fixedDigest: prefix.digests[0])
        let now = UTCTime.now
        let (caches, refused) = state.withLock { state in
            (state.caches[scope] ?? [], state.refusing[Self.upstream(scope)].map { $0 > now } ?? false)
        }
        switch refused ? .plain : planner.plan(prefix, caches: caches, now: now) {
        case .plain:
            return Prepared(body: prefix.plainBody)
        case .use(let cache):
            return Prepared(body: prefix.requestBody(cachedContent: cache.name, contentCount: cache.contentCount), cache: cache)
        case .create(let contentCount):
            do throws(UpstreamFailure) {
                let cache = try await create(prefix, contentCount: contentCount, adapter: adapter, target: target, key: key, services: services, now: now)
                var headers = HTTPHeaders()
                if let key { headers.add(name: adapter.keyHeader(key).name, value: adapter.keyHeader(key).value) }
                remember(cache, in: scope, deletion: Deletion(url: "\(prefix.baseURL)/\(cache.name)", headers: headers, target: target))
                return Prepared(body: prefix.requestBody(cachedContent: cache.name, contentCount: contentCount), cache: cache, created: true)
            } catch {
                if case .status(let status) = error.cause, (400..<500).contains(status), status != 429 {
                    state.withLock { $0.refusing[Self.upstream(scope)] = UTCTime(millisecondsSince1970: now.millisecondsSince1970 + Self.refusalPause) }
                }
                services.logger.notice(
                    "\(services.redactor.redact("\(target.qualifiedModel): could not create a prompt cache (\(error.clientError.message)); the request goes uncached"))")
                return Prepared(body: prefix.plainBody)
            }
        }
    }

    /// Forgets a cache the upstream no longer has.
    func forget(_ cache: ExplicitCacheEntry) {
        state.withLock { $0.forget(cache.name) }
    }

    /// The caches kept now, for tests and the shutdown.
    var count: Int {
        state.withLock { $0.deletions.count }
    }

    /// Deletes every cache still live upstream, all at once (at shutdown: each would be billed for
    /// its storage until it expired). A cache that cannot be deleted expires by itself.
    func deleteAll(through upstream: UpstreamClient) async {
        let deletions = state.withLock { state in
            defer { state = State() }
            return Array(state.deletions.values)
        }
        await withTaskGroup(of: Void.self) { group in
            for deletion in deletions {
                group.addTask {
                    _ = try? await upstream.send(.DELETE, deletion.url, headers: deletion.headers, body: nil, describing: deletion.target)
                }
            }
        }
    }

    private func create<Adapter: ProviderAdapter>(
        _ prefix: ExplicitCachePrefix, contentCount: Int, adapter: Adapter, target: RouteTarget, key: String?, services: ProxyServices, now: UTCTime
    ) async throws(UpstreamFailure) -> ExplicitCacheEntry {
        let response = try await services.sendTranslated(
            prefix.creationBody(contentCount: contentCount), to: prefix.creationURL, through: adapter, key: key, stream: false, target: target)
        let reply = try await services.replyJSON(response, target: target)
        guard let name = reply["name"]?.stringValue else {
            throw UpstreamFailure(.unusableReply, clientError: AnthropicError(.api, "The created cache has no name.", status: 502))
        }
        let lifetime = prefix.timeToLive.components.seconds * 1000
        return ExplicitCacheEntry(
            name: name, digest: prefix.digests[contentCount], contentCount: contentCount,
            tokens: reply["usageMetadata"]?["totalTokenCount"]?.intValue ?? prefix.estimatedTokens,
            expiresAt: UTCTime(millisecondsSince1970: now.millisecondsSince1970 + lifetime))
    }

    private func remember(_ cache: ExplicitCacheEntry, in scope: Scope, deletion: Deletion) {
        state.withLock { state in
            state.caches[scope, default: []].append(cache)
            state.deletions[cache.name] = deletion
            guard state.deletions.count > Self.capacity, let soonest = state.caches.values.joined().min(by: { $0.expiresAt < $1.expiresAt }) else { return }
            state.forget(soonest.name)
        }
    }

    private static func upstream(_ scope: Scope) -> String {
        scope.baseURL + "\u{0}" + scope.keyFingerprint
    }
}
