/// A setting whose value is unusable; the message names the variable (or the configuration file and
/// the key) and what it takes.
package struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    package let variable: String
    package let problem: String

    package init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    package var description: String { "\(variable): \(problem)" }
}

/// Every setting, validated, from the layered sources (see `LayeredSettings`): flags, the
/// environment, `.env`, the configuration file, defaults. Variable names are those of the seed
/// proxy, plus the additions the README lists; `ConfigurationSetting` defines them all.
package struct ProxyConfiguration: Sendable, Equatable {
    /// Which provider un-prefixed Claude model mappings prefer (`PREFERRED_PROVIDER`).
    package enum PreferredProvider: String, Sendable {
        case openAI = "openai"
        case google
    }

    /// A named OpenAI-compatible endpoint, chosen with a `:name` model suffix.
    package struct Channel: Sendable, Equatable {
        package var baseURL: String
        package var apiKeys: [String]
        /// The ready-made provider it is (`CHANNEL_<NAME>_PROVIDER`), whose URL and key it
        /// defaults to and whose quirks its requests get.
        package var preset: ProviderPreset? = nil
        /// The protocol it speaks (`CHANNEL_<NAME>_API`): `.openAI` (Chat Completions) or
        /// `.openAIResponses`; `nil` leaves it to the model's prefix.
        package var api: Provider? = nil
        /// The setting its keys came from, when not `CHANNEL_<NAME>_API_KEY` (its preset's).
        package var keyVariable: String? = nil
        /// Vertex AI's project, location and credentials (`CHANNEL_<NAME>_PROVIDER=vertex`).
        package var vertex: VertexSettings? = nil
    }

    package var host: String
    package var port: Int
    /// Keys may be comma-separated lists; requests rotate over them (see `KeyRing`).
    package var openAIAPIKeys: [String]
    package var geminiAPIKeys: [String]
    package var anthropicAPIKeys: [String]
    package var preferredProvider: PreferredProvider
    package var bigModel: String
    package var smallModel: String
    package var opusModel: String
    /// The models that serve requests by what they need (see `NeedRouter`); each may list fallbacks.
    /// `WEB_SEARCH_MODEL` also serves web searches for targets that cannot search (nil refuses them).
    package var webSearchModel: String?
    package var thinkModel: String?
    package var longContextModel: String?
    /// Estimated input tokens above which `LONG_CONTEXT_MODEL` serves; nil: the mapped model's window.
    package var longContextThreshold: Int?
    package var imageModel: String?
    /// The fallbacks of a request that names none (`REFUSAL_FALLBACKS`); nil when off.
    package var refusalFallbacks: RefusalFallbacks?
    /// An OpenAI-compatible server that replaces OpenAI for un-channelled requests (`BASE_URL`).
    package var baseURL: String?
    package var apiKeys: [String]
    package var openAIBaseURL: String
    /// Gemini's native API root (`GEMINI_BASE_URL`), for `gemini/` models without a channel.
    package var geminiBaseURL: String
    /// Whether Gemini requests with a cache breakpoint are served from explicit caches (`GEMINI_EXPLICIT_CACHE`).
    package var geminiExplicitCache: Bool
    package var anthropicBaseURL: String
    /// Vertex AI, for `vertex/` models (and `gemini/` ones with `useVertexForGemini`).
    package var vertex: VertexSettings
    /// `USE_VERTEX_AUTH`: `gemini/` models go to Vertex AI, as the seed proxy's setting did.
    package var useVertexForGemini: Bool
    /// Channels by lower-cased name.
    package var channels: [String: Channel] = [:]
    /// The ready-made providers' API roots and keys, by preset name (see `ProviderPreset`).
    package var presetEndpoints: [String: PresetEndpoint] = [:]
    /// Azure OpenAI's `api-version` (`AZURE_API_VERSION`).
    package var azureAPIVersion: String
    package var debug: Bool
    package var logLevel: String
    /// Whether `GET /metrics` answers (`METRICS_ENABLED`); when not, it is a 404 like any unknown path.
    package var metricsEnabled: Bool
    /// Output ceilings by upstream model name (`MODEL_OUTPUT_LIMITS=name=tokens,...`), over the catalog's.
    package var modelOutputLimits: [String: Int]
    /// Context windows by lower-cased model name, over the catalog's (`MODEL_CONTEXT_WINDOWS`).
    package var modelContextWindows: [String: Int]
    /// Prices by lower-cased model name, over the generated data's (`MODEL_PRICES`).
    package var modelPrices: [String: ModelPrice]
    /// The output ceiling for models the catalog does not know (`DEFAULT_MAX_OUTPUT_TOKENS`).
    package var defaultMaxOutputTokens: Int
    /// How long a stream may be silent before a `ping` is sent (`PING_INTERVAL_SECONDS`).
    package var pingInterval: Duration
    /// Retries of failed upstream attempts (`MAX_RETRIES`, `RETRY_MAX_WAIT_SECONDS`).
    package var retryPolicy: RetryPolicy
    /// Upstream timeouts: connecting, the response head (a whole reply when not streamed), and
    /// silence between stream events (`CONNECT_TIMEOUT_SECONDS`, `FIRST_BYTE_TIMEOUT_SECONDS`,
    /// `IDLE_TIMEOUT_SECONDS`).
    package var connectTimeout: Duration
    package var firstByteTimeout: Duration
    package var idleTimeout: Duration
    /// Where the usage ledger is kept (`USAGE_DATABASE`).
    package var usageDatabase: UsageDatabase
    /// How long the ledger keeps each request's row; the daily roll-ups are kept (`USAGE_RETENTION_DAYS`).
    package var usageRetentionDays: Int
    /// The largest request body accepted (`REQUEST_BODY_LIMIT_MB`).
    package var requestBodyLimit: Int
    /// Whether a resent conversation is taken from what the turn before parsed and wrote (`PREFIX_CACHE`).
    package var prefixCache: Bool
    /// What the conversations and strings kept for that may take, in bytes (`PREFIX_CACHE_MB`).
    package var prefixCacheBytes: Int
    /// Whether `thread` requests are served (`MESSAGE_THREADS`); off, they are refused with
    /// `thread_unsupported_request`, and the SDKs send whole conversations.
    package var messageThreads: Bool
    /// What the threads kept in memory may take, in bytes (`MESSAGE_THREADS_MB`).
    package var messageThreadsBytes: Int
    /// How long a thread nobody continues is kept in the shared database (`MESSAGE_THREAD_RETENTION_HOURS`).
    package var messageThreadRetention: Duration
    /// How long streams in flight may run on after SIGTERM or SIGINT (`SHUTDOWN_GRACE_SECONDS`).
    package var shutdownGracePeriod: Duration
    /// How long a client may take to send a request's head and its body, and leave a connection
    /// idle (`CLIENT_HEADER_TIMEOUT_SECONDS`, `CLIENT_BODY_TIMEOUT_SECONDS`, `CLIENT_IDLE_TIMEOUT_SECONDS`).
    package var clientLimits: ClientConnectionDeadlines.Limits
    /// Client connections open at once, at most (`MAX_CONNECTIONS`).
    package var maxConnections: Int
    /// Opens the usage pages to whoever presents it; unset, they answer this machine only (`ADMIN_API_KEY`).
    package var adminAPIKey: String?
    /// When set, clients must present it as `x-api-key` or `Authorization: Bearer` (`PROXY_API_KEY`).
    package var proxyAPIKey: String?
    /// Lets the proxy serve an address other machines reach with no key at all (`ALLOW_UNAUTHENTICATED`).
    package var allowUnauthenticated: Bool
    /// Every key the configuration holds, for redacting them from logs: the values of the
    /// settings defined as secret, so a new key setting is redacted without being listed here.
    package let secrets: [String]

    /// Settings from an environment, with `.env` values under it.
    package init(environment: [String: String], dotEnv: [String: String] = [:]) throws(ConfigurationError) {
        try self.init(settings: LayeredSettings(environment: environment, dotEnv: dotEnv))
    }

    package init(settings: LayeredSettings) throws(ConfigurationError) {
        host = settings.required(.host)
        port = try settings.required(.port, Self.port)
        openAIAPIKeys = Self.keyList(settings.value(.openAIAPIKey))
        geminiAPIKeys = Self.keyList(settings.value(.geminiAPIKey))
        anthropicAPIKeys = Self.keyList(settings.value(.anthropicAPIKey))
        preferredProvider = try settings.required(.preferredProvider) { text, name throws(ConfigurationError) in
            guard let provider = PreferredProvider(rawValue: text.lowercased()) else {
                throw ConfigurationError(variable: name, problem: "'\(text)' is not a provider; use openai or google")
            }
            return provider
        }
        bigModel = settings.required(.bigModel)
        smallModel = settings.required(.smallModel)
        opusModel = settings.required(.opusModel)
        webSearchModel = settings.value(.webSearchModel)
        thinkModel = settings.value(.thinkModel)
        longContextModel = settings.value(.longContextModel)
        longContextThreshold = try settings.optional(.longContextThreshold, Self.positiveInteger)
        imageModel = settings.value(.imageModel)
        baseURL = try settings.optional(.baseURL, Self.url)
        apiKeys = Self.keyList(settings.value(.apiKey))
        openAIBaseURL = try settings.required(.openAIBaseURL, Self.url)
        geminiBaseURL = try settings.required(.geminiBaseURL, Self.url)
        geminiExplicitCache = try settings.required(.geminiExplicitCache, Self.flag)
        anthropicBaseURL = try settings.required(.anthropicBaseURL, Self.url)
        useVertexForGemini = try settings.required(.useVertexAuth, Self.flag)
        vertex = VertexSettings(
            project: settings.value(.vertexProject), location: try settings.required(.vertexLocation, Self.vertexLocation),
            apiKeys: Self.keyList(settings.value(.vertexAPIKey)), credentialsFile: settings.value(.googleApplicationCredentials),
            baseURL: try settings.optional(.vertexBaseURL, Self.url))
        azureAPIVersion = settings.required(.azureAPIVersion)
        debug = try settings.required(.debug, Self.flag)
        metricsEnabled = try settings.required(.metricsEnabled, Self.flag)
        logLevel = try settings.required(.logLevel) { text, name throws(ConfigurationError) in
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(text.lowercased()) else {
                throw ConfigurationError(variable: name, problem: "'\(text)' is not a level; use one of \(levels.joined(separator: ", "))")
            }
            return text.lowercased()
        }
        modelOutputLimits = try settings.optional(.modelOutputLimits, Self.limits) ?? [:]
        modelContextWindows = try settings.optional(.modelContextWindows, Self.limits) ?? [:]
        modelPrices = try settings.optional(.modelPrices, Self.prices) ?? [:]
        defaultMaxOutputTokens = try settings.required(.defaultMaxOutputTokens, Self.positiveInteger)
        pingInterval = .seconds(try settings.required(.pingIntervalSeconds, Self.positiveInteger))
        let maximumRetries = try settings.required(.maxRetries) { text, name throws(ConfigurationError) in
            guard let count = Int(text), (0...10).contains(count) else {
                throw ConfigurationError(variable: name, problem: "'\(text)' is not a whole number from 0 to 10")
            }
            return count
        }
        retryPolicy = RetryPolicy(
            maximumRetries: maximumRetries, maximumWait: .seconds(try settings.required(.retryMaxWaitSeconds, Self.positiveInteger)))
        connectTimeout = .seconds(try settings.required(.connectTimeoutSeconds, Self.positiveInteger))
        firstByteTimeout = .seconds(try settings.required(.firstByteTimeoutSeconds, Self.positiveInteger))
        idleTimeout = .seconds(try settings.required(.idleTimeoutSeconds, Self.positiveInteger))
        requestBodyLimit = try settings.required(.requestBodyLimitMB, Self.positiveInteger) * 1024 * 1024
        refusalFallbacks = try settings.required(.refusalFallbacks, Self.refusalFallbacks)
        prefixCache = try settings.required(.prefixCache, Self.flag)
        prefixCacheBytes = try settings.required(.prefixCacheMB, Self.positiveInteger) * 1024 * 1024
        messageThreads = try settings.required(.messageThreads, Self.flag)
        messageThreadsBytes = try settings.required(.messageThreadsMB, Self.positiveInteger) * 1024 * 1024
        messageThreadRetention = .seconds(try settings.required(.messageThreadRetentionHours, Self.positiveInteger) * 3600)
        usageDatabase = try UsageDatabase(setting: settings.value(.usageDatabase), name: settings.name(.usageDatabase))
        usageRetentionDays = try settings.required(.usageRetentionDays, Self.positiveInteger)
        shutdownGracePeriod = .seconds(try settings.required(.shutdownGraceSeconds, Self.positiveInteger))
        clientLimits = ClientConnectionDeadlines.Limits(
            head: .seconds(try settings.required(.clientHeaderTimeoutSeconds, Self.positiveInteger)),
            body: .seconds(try settings.required(.clientBodyTimeoutSeconds, Self.positiveInteger)),
            idle: .seconds(try settings.required(.clientIdleTimeoutSeconds, Self.positiveInteger)))
        maxConnections = try settings.required(.maxConnections, Self.positiveInteger)
        proxyAPIKey = settings.value(.proxyAPIKey)
        adminAPIKey = settings.value(.adminAPIKey)
        allowUnauthenticated = try settings.required(.allowUnauthenticated, Self.flag)
        var secrets = settings.resolved.filter(\.setting.isSecret).flatMap { resolved in
            resolved.setting.shape == .list ? Self.keyList(resolved.value) : resolved.value.map { [$0] } ?? []
        }
        // The usage database's URL is no secret, but its password is.
        if case .postgres(let location) = usageDatabase, let password = location.password, !password.isEmpty { secrets.append(password) }
        self.secrets = secrets
        try readPresets(settings)
        try readChannels(settings)
    }

    /// Google's public endpoint for the Gemini API.
    package static let publicGeminiBaseURL = "https://generativelanguage.googleapis.com/v1beta"

    static func keyList(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// A Google Cloud location: `global` or a region such as `us-central1` (letters, digits, dashes).
    static func vertexLocation(_ text: String, _ name: String) throws(ConfigurationError) -> String {
        let location = text.lowercased()
        guard !location.isEmpty, location.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw ConfigurationError(variable: name, problem: "'\(text)' is not a location; use global or a region such as us-central1")
        }
        return location
    }

    private static func port(_ text: String, _ name: String) throws(ConfigurationError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ConfigurationError(variable: name, problem: "'\(text)' is not a port number (1-65535)")
        }
        return port
    }

    /// Accepts `http://` and `https://` URLs with a host, and drops a trailing slash.
    static func url(_ text: String, _ name: String) throws(ConfigurationError) -> String {
        let lowered = text.lowercased()
        let scheme = lowered.hasPrefix("https://") ? "https://" : lowered.hasPrefix("http://") ? "http://" : nil
        let rest = scheme.map { text.dropFirst($0.count) } ?? ""
        guard scheme != nil, let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? Optional(rest.endIndex),
            !rest[..<hostEnd].isEmpty, !rest.contains(" ")
        else {
            throw ConfigurationError(variable: name, problem: "'\(text)' is not an http:// or https:// URL")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    private static func positiveInteger(_ text: String, _ name: String) throws(ConfigurationError) -> Int {
        guard let number = Int(text), number > 0 else {
            throw ConfigurationError(variable: name, problem: "'\(text)' is not a positive whole number")
        }
        return number
    }

    /// `off`, `default`, or up to three models, comma-separated.
    private static func refusalFallbacks(_ text: String, _ name: String) throws(ConfigurationError) -> RefusalFallbacks? {
        let models = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        switch models.map({ $0.lowercased() }) {
        case [], ["off"]: return nil
        case ["default"]: return .routeDefault
        default: break
        }
        guard models.count <= RefusalFallbacks.maximumEntries else {
            throw ConfigurationError(variable: name, problem: "names \(models.count) models; a request takes at most \(RefusalFallbacks.maximumEntries) fallbacks")
        }
        return .entries(models.map { RefusalFallbacks.Entry(model: $0) })
    }

    private static func flag(_ text: String, _ name: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: name, problem: "'\(text)' is not true or false")
        }
    }

    /// `model=tokens,...`, by lower-cased model name.
    private static func limits(_ text: String, _ name: String) throws(ConfigurationError) -> [String: Int] {
        var limits: [String: Int] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let tokens = Int(parts[1].trimmingWhitespace()), tokens > 0 else {
                throw ConfigurationError(variable: name, problem: "'\(entry)' is not model=tokens")
            }
            limits[parts[0].trimmingWhitespace().lowercased()] = tokens
        }
        return limits
    }

    /// `model=input/output[/cache_read[/cache_write]]` in US dollars per million tokens, by
    /// lower-cased model name; cache prices left out are the input price.
    private static func prices(_ text: String, _ name: String) throws(ConfigurationError) -> [String: ModelPrice] {
        var prices: [String: ModelPrice] = [:]
        for entry in text.split(separator: ",") {
            let invalid = ConfigurationError(
                variable: name, problem: "'\(entry)' is not model=input/output[/cache_read[/cache_write]] in US dollars per million tokens")
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard parts.count == 2, !parts[0].isEmpty else { throw invalid }
            // Per token; nil for a field left empty.
            var perToken: [Double?] = []
            for field in parts[1].split(separator: "/", omittingEmptySubsequences: false).map({ $0.trimmingWhitespace() }) {
                if field.isEmpty {
                    perToken.append(nil)
                    continue
                }
                guard let perMillion = Double(field), perMillion >= 0, perMillion.isFinite else { throw invalid }
                perToken.append(perMillion / 1_000_000)
            }
            guard (2...4).contains(perToken.count), let input = perToken[0], let output = perToken[1] else { throw invalid }
            let (cacheRead, cacheWrite) = (perToken.count > 2 ? perToken[2] : nil, perToken.count > 3 ? perToken[3] : nil)
            prices[parts[0].lowercased()] = ModelPrice(input: input, output: output, cacheRead: cacheRead, cacheWrite: cacheWrite)
        }
        return prices
    }
}
