import Logging
import ProxyCore

/// What lives as long as the server, whatever the configuration: key rings, client connections,
/// the cache of resent request members, logging, metrics and the record observers.
final class SharedServices: Sendable {
    let live: LiveConfiguration
    let keys: UpstreamKeys
    let connections = ClientConnections()
    /// Vertex AI's access tokens, per credentials source.
    let googleCredentials = GoogleCredentials()
    /// The explicit prompt caches made upstream (Gemini's `cachedContents`).
    let explicitCaches: ExplicitCaches
    /// The tool definitions and system prompts clients resend every turn, parsed once.
    let requestFragments = JSONFragmentCache(memberNames: ["tools", "system"])
    /// The conversations clients resend every turn, parsed once (`PREFIX_CACHE`), with each
    /// message as decoded and translated, in seven twelfths of `PREFIX_CACHE_MB`.
    let conversations: ConversationPrefixCache
    /// The long strings of those conversations, written once, in a sixth; and the messages
    /// translated for their upstream that are parsed again, in the last sixth.
    let writtenStrings: JSONStringEscapes
    /// The last upstream bodies of recent conversations, written on by their next turns, in the
    /// last twelfth.
    let upstreamBodies: UpstreamBodyBuffers
    let logger: Logger
    let metrics: ProxyMetrics
    /// Who has logged in to the dashboard.
    let adminSessions = AdminSessions()
    /// Every exchange's record goes to these once it has ended.
    let observers: RequestObservers
    /// The client keys and their limits, when the usage database keeps them.
    let clientKeys: ClientKeyRegistry?
    /// The message threads kept between turns.
    let threads: MessageThreads
    /// The fingerprints of requests that asked for cache diagnostics, for the next to compare with.
    let promptFingerprints: PromptFingerprintStore

    /// - Parameters:
    ///   - observers: read every record after the access log and the metrics.
    ///   - upstreamRests: where instances sharing a database post the upstream keys they rest.
    ///   - explicitCacheBoard: where they post the prompt caches they make.
    ///   - threadStore: where they keep message threads; this process's memory when nil.
    ///   - fingerprintBoard: where they keep cache diagnostics' fingerprints besides memory.
    init(
        live: LiveConfiguration, logger: Logger, metrics: ProxyMetrics, observers: [any RequestObserver], clientKeys: ClientKeyRegistry? = nil,
        upstreamRests: (any UpstreamRestBoard)? = nil, explicitCacheBoard: (any ExplicitCacheBoard)? = nil, threadStore: (any MessageThreadStore)? = nil,
        fingerprintBoard: (any PromptFingerprintBoard)? = nil
    ) {
        self.live = live
        let prefixCacheBytes = live.snapshot.configuration.prefixCacheBytes
        conversations = ConversationPrefixCache(maximumBytes: prefixCacheBytes * 7 / 12)
        writtenStrings = JSONStringEscapes(maximumBytes: prefixCacheBytes / 6, translatedMessageBytes: prefixCacheBytes / 6)
        upstreamBodies = UpstreamBodyBuffers(maximumBytes: prefixCacheBytes / 12)
        keys = UpstreamKeys(board: upstreamRests)
        explicitCaches = ExplicitCaches(board: explicitCacheBoard)
        promptFingerprints = PromptFingerprintStore(board: fingerprintBoard)
        threads = MessageThreads(
            store: threadStore ?? MemoryThreadStore(maximumBytes: live.snapshot.configuration.messageThreadsBytes), now: { UTCTime.now })
        self.logger = logger
        self.metrics = metrics
        self.clientKeys = clientKeys
        self.observers = RequestObservers([AccessLog(logger: logger), metrics] + observers)
    }

    /// The services a request works with from start to end: these, and the configuration as it
    /// is when the request starts.
    func forRequest() -> ProxyServices {
        ProxyServices(snapshot: live.snapshot, shared: self)
    }
}
