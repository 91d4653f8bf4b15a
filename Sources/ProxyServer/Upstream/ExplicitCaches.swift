import AsyncHTTPClient
import Crypto
import NIOCore
import NIOHTTP1
import ProxyCore
import Synchronization

/// The explicit prompt caches this instance made upstream (Gemini's `cachedContents`), by
/// upstream, key and fixed prefix, and the making and using of them (`ExplicitCachePlanner`
/// decides which). A cache that cannot be made leaves the request as it was: caching never fails
/// a request. An upstream that refuses to make caches (a gateway without the API) is not asked
/// again for a while.
///
/// With a board (several instances on one database) the caches each instance makes are posted
/// for the others (see `ExplicitCacheBoard`), and none is deleted at shutdown: the other instances
/// may be serving sessions from it, and it expires by itself within its time to live.
final class ExplicitCaches: Sendable {
    /// What a request is sent as: its body, and the cache it is served from (`created` by it).
    struct Prepared: Sendable {
        /// The body as it is sent: made a buffer once (its conversation's last one, written on:
        /// `UpstreamBodyBuffers`), so that the translated bytes are let go at once and a request
        /// sent again (a missing cache, another attempt) is not copied again.
        var body: ByteBuffer
        var cache: ExplicitCacheEntry?
        var created = false

        init(body: WrittenJSON, cache: ExplicitCacheEntry? = nil, created: Bool = false, services: ProxyServices) {
            self.body = services.upstreamBodies?.buffer(for: body) ?? ByteBuffer(body)
            self.cache = cache
            self.created = created
        }
    }

    /// The caches one upstream, key and fixed prefix share: a digest of the three, which names no key.
    private typealias Scope = String

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
        /// Creations under way, by scope and prefix digest.
        var creations: [String: Task<Result<ExplicitCacheEntry, UpstreamFailure>, Never>] = [:]

        mutating func forget(_ name: String) {
            for scope in caches.keys { caches[scope]?.removeAll { $0.name == name } }
            deletions[name] = nil
        }

        /// Lets go of the caches that have ended (upstream they are gone by themselves). Runs at
        /// every cache made, under the lock: the deletions are matched against a set of the live
        /// names, not each against every cache (a million comparisons with the 1,024 kept).
        mutating func forgetExpired(at now: UTCTime) {
            for scope in caches.keys { caches[scope]?.removeAll { $0.expiresAt <= now } }
            caches = caches.filter { !$0.value.isEmpty }
            let live = Set(caches.values.joined().map(\.name))
            deletions = deletions.filter { live.contains($0.key) }
        }
    }

    /// Caches kept at most; past it the soonest to expire are forgotten (upstream they expire by themselves).
    static let capacity = 1024
    /// How long an upstream that refused to make a cache is left alone.
    static let refusalPause: Int64 = 10 * 60 * 1000

    private let state = Mutex(State())
    private let planner = ExplicitCachePlanner()
    private let board: (any ExplicitCacheBoard)?

    init(board: (any ExplicitCacheBoard)? = nil) {
        self.board = board
    }

    /// The request's body, served from a cache of its prefix when one is, or can be made, worth it.
    /// The caller asks `isRefusing` first: an upstream that refused is not worth the prefix's digests.
    func prepare<Adapter: ProviderAdapter>(
        _ prefix: ExplicitCachePrefix, adapter: Adapter, target: RouteTarget, key: String?, services: ProxyServices
    ) async -> Prepared {
        let scope = Self.scope(baseURL: prefix.baseURL, key: key, fixedDigest: prefix.digests[0])
        let upstream = Self.upstream(baseURL: prefix.baseURL, key: key)
        let now = UTCTime.now
        let caches = state.withLock { $0.caches[scope] ?? [] }
        switch planner.plan(prefix, caches: caches, now: now) {
        case .plain:
            return Prepared(body: prefix.plainBody, services: services)
        case .use(let cache):
            return Prepared(body: prefix.requestBody(cachedContent: cache.name, contentCount: cache.contentCount), cache: cache, services: services)
        case .create(let contentCount):
            // Requests with the same prefix at once (a client's parallel calls) wait for one creation.
            let creationKey = "\(scope)\u{0}\(prefix.digests[contentCount])"
            let (creation, isOurs) = state.withLock { state in
                if let running = state.creations[creationKey] { return (running, false) }
                let creation = Task { () -> Result<ExplicitCacheEntry, UpstreamFailure> in
                    do throws(UpstreamFailure) {
                        return .success(
                            try await self.create(prefix, contentCount: contentCount, adapter: adapter, target: target, key: key, services: services, now: now))
                    } catch {
                        return .failure(error)
                    }
                }
                state.creations[creationKey] = creation
                return (creation, true)
            }
            let result = await creation.value
            guard isOurs else {
                guard case .success(let cache) = result else { return Prepared(body: prefix.plainBody, services: services) }
                return Prepared(body: prefix.requestBody(cachedContent: cache.name, contentCount: contentCount), cache: cache, services: services)
            }
            state.withLock { $0.creations[creationKey] = nil }
            switch result {
            case .success(let cache):
                var headers = HTTPHeaders()
                if let key { headers.add(name: adapter.keyHeader(key).name, value: adapter.keyHeader(key).value) }
                remember(cache, in: scope, deletion: Deletion(url: "\(prefix.baseURL)/\(cache.name)", headers: headers, target: target), now: now)
                board?.post(cache, scope: scope)
                return Prepared(body: prefix.requestBody(cachedContent: cache.name, contentCount: contentCount), cache: cache, created: true, services: services)
            case .failure(let error):
                if Self.lacksCaches(error) {
                    state.withLock { $0.refusing[upstream] = UTCTime(millisecondsSince1970: now.millisecondsSince1970 + Self.refusalPause) }
                }
                services.logger.notice(
                    "\(services.redactor.redact("\(target.qualifiedModel): could not create a prompt cache (\(error.clientError.message)); the request goes uncached"))")
                return Prepared(body: prefix.plainBody, services: services)
            }
        }
    }

    /// Whether the upstream (its API root and the key) refused to make caches lately: its requests
    /// then skip the prefix's digests too.
    func isRefusing(baseURL: String, key: String?) -> Bool {
        let now = UTCTime.now
        return state.withLock { $0.refusing[Self.upstream(baseURL: baseURL, key: key)].map { $0 > now } ?? false }
    }

    /// Forgets a cache the upstream no longer has.
    func forget(_ cache: ExplicitCacheEntry) {
        state.withLock { $0.forget(cache.name) }
        board?.withdraw(cache.name)
    }

    /// Takes in the caches other instances posted, and lets go of the expired ones.
    func adopt(_ shared: [(scope: String, cache: ExplicitCacheEntry)], now: UTCTime) {
        state.withLock { state in
            state.forgetExpired(at: now)
            let known = Set(state.caches.values.joined().map(\.name))
            for (scope, cache) in shared where !known.contains(cache.name) { state.caches[scope, default: []].append(cache) }
        }
    }

    /// Deletes every cache this instance made that is still live upstream, all at once (at
    /// shutdown: each would be billed for its storage until it expired), unless other instances
    /// share them. A cache that cannot be deleted expires by itself.
    func deleteAll(through upstream: UpstreamClient) async {
        let deletions = state.withLock { state in
            defer { state = State() }
            return board == nil ? Array(state.deletions.values) : []
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
            ByteBuffer(prefix.creationBody(contentCount: contentCount)), to: prefix.creationURL, through: adapter, key: key, stream: false, target: target)
        let reply = try await services.replyJSON(response, target: target)
        guard let name = reply["name"]?.stringValue else {
            throw UpstreamFailure(
                .unusableReply,
                clientError: AnthropicError(.api, "its answer names no cache (it may not have Gemini's cachedContents API)", status: 502))
        }
        let lifetime = prefix.timeToLive.components.seconds * 1000
        return ExplicitCacheEntry(
            name: name, digest: prefix.digests[contentCount], contentCount: contentCount,
            tokens: reply["usageMetadata"]?["totalTokenCount"]?.intValue ?? prefix.estimatedTokens,
            expiresAt: UTCTime(millisecondsSince1970: now.millisecondsSince1970 + lifetime))
    }

    private func remember(_ cache: ExplicitCacheEntry, in scope: Scope, deletion: Deletion, now: UTCTime) {
        state.withLock { state in
            state.forgetExpired(at: now)
            state.caches[scope, default: []].append(cache)
            state.deletions[cache.name] = deletion
            guard state.caches.values.joined().count > Self.capacity, let soonest = state.caches.values.joined().min(by: { $0.expiresAt < $1.expiresAt })
            else { return }
            state.forget(soonest.name)
        }
    }

    /// Whether a failure to make a cache says the upstream makes none (a refusal, or an answer that
    /// is no cache), rather than that it is busy or unreachable now.
    private static func lacksCaches(_ failure: UpstreamFailure) -> Bool {
        switch failure.cause {
        case .status(let status): (400..<500).contains(status) && status != 429
        case .unusableReply: true
        default: false
        }
    }

    /// An upstream and key, as the refusals are kept.
    private static func upstream(baseURL: String, key: String?) -> String {
        "\(baseURL)\u{0}\(key.map(UpstreamKeys.fingerprint) ?? "")"
    }

    private static func scope(baseURL: String, key: String?, fixedDigest: String) -> Scope {
        SHA256.hash(data: Array("\(upstream(baseURL: baseURL, key: key))\u{0}\(fixedDigest)".utf8)).prefix(16).hexDigits
    }
}
