/// Every setting, with its variable, file key and default: the one table that reading, secret
/// redaction, reloading, `config check` and the README's settings table follow.
extension ConfigurationSetting {
    package static let host = ConfigurationSetting("HOST", key: "server.host", needsRestart: true, default: .value("127.0.0.1"))
    package static let port = ConfigurationSetting("PORT", key: "server.port", needsRestart: true, default: .value("8082"))
    package static let proxyAPIKey = ConfigurationSetting("PROXY_API_KEY", key: "server.proxy_api_key", isSecret: true)
    package static let adminAPIKey = ConfigurationSetting("ADMIN_API_KEY", key: "server.admin_api_key", isSecret: true)
    /// Read at start-up only, where an address other machines reach needs a key (see `ExposureCheck`).
    package static let allowUnauthenticated = ConfigurationSetting(
        "ALLOW_UNAUTHENTICATED", key: "server.allow_unauthenticated", needsRestart: true, default: .value("false"))
    /// Read by the service group when it starts.
    package static let shutdownGraceSeconds = ConfigurationSetting(
        "SHUTDOWN_GRACE_SECONDS", key: "server.shutdown_grace_seconds", needsRestart: true, default: .value("30"))
    /// Client connections' limits are set on each connection's pipeline, made by the server at start-up.
    package static let clientHeaderTimeoutSeconds = ConfigurationSetting(
        "CLIENT_HEADER_TIMEOUT_SECONDS", key: "server.client_header_timeout_seconds", needsRestart: true, default: .value("10"))
    package static let clientBodyTimeoutSeconds = ConfigurationSetting(
        "CLIENT_BODY_TIMEOUT_SECONDS", key: "server.client_body_timeout_seconds", needsRestart: true, default: .value("120"))
    package static let clientIdleTimeoutSeconds = ConfigurationSetting(
        "CLIENT_IDLE_TIMEOUT_SECONDS", key: "server.client_idle_timeout_seconds", needsRestart: true, default: .value("60"))
    package static let maxConnections = ConfigurationSetting("MAX_CONNECTIONS", key: "server.max_connections", needsRestart: true, default: .value("4096"))

    package static let preferredProvider = ConfigurationSetting("PREFERRED_PROVIDER", key: "preferred_provider", default: .value("openai"))
    package static let bigModel = ConfigurationSetting(
        "BIG_MODEL", key: "models.big", shape: .list, default: .derived { value in prefersGoogle(value) ? "gemini-2.5-pro" : "gpt-4.1" })
    package static let smallModel = ConfigurationSetting(
        "SMALL_MODEL", key: "models.small", shape: .list, default: .derived { value in prefersGoogle(value) ? "gemini-2.5-flash" : "gpt-4.1-mini" })
    package static let opusModel = ConfigurationSetting("OPUS_MODEL", key: "models.opus", shape: .list, default: .derived { value in value(bigModel) })
    /// Routes by need (see `NeedRouter`): the models that serve requests with web search, thinking,
    /// more input than the mapped model holds, or images it cannot read.
    package static let webSearchModel = ConfigurationSetting("WEB_SEARCH_MODEL", key: "routes.web_search", shape: .list)
    package static let thinkModel = ConfigurationSetting("THINK_MODEL", key: "routes.think", shape: .list)
    package static let longContextModel = ConfigurationSetting("LONG_CONTEXT_MODEL", key: "routes.long_context", shape: .list)
    /// Estimated input tokens above which LONG_CONTEXT_MODEL serves; unset, the mapped model's window.
    package static let longContextThreshold = ConfigurationSetting("LONG_CONTEXT_THRESHOLD", key: "routes.long_context_threshold")
    package static let imageModel = ConfigurationSetting("IMAGE_MODEL", key: "routes.image", shape: .list)
    /// The fallbacks of a request that names none (see `RefusalFallbacks`): `off`, `default`, or models.
    package static let refusalFallbacks = ConfigurationSetting("REFUSAL_FALLBACKS", key: "routes.refusal_fallbacks", shape: .list, default: .value("off"))

    package static let openAIAPIKey = ConfigurationSetting("OPENAI_API_KEY", key: "providers.openai.api_key", shape: .list, isSecret: true)
    package static let openAIBaseURL = ConfigurationSetting("OPENAI_BASE_URL", key: "providers.openai.base_url", default: .value("https://api.openai.com/v1"))
    package static let geminiAPIKey = ConfigurationSetting("GEMINI_API_KEY", key: "providers.gemini.api_key", shape: .list, isSecret: true)
    /// Whether Gemini requests with a cache breakpoint are served from explicit caches (`cachedContents`).
    package static let geminiExplicitCache = ConfigurationSetting("GEMINI_EXPLICIT_CACHE", key: "providers.gemini.explicit_cache", default: .value("on"))
    package static let geminiBaseURL = ConfigurationSetting(
        "GEMINI_BASE_URL", key: "providers.gemini.base_url", default: .value(ProxyConfiguration.publicGeminiBaseURL))
    package static let anthropicAPIKey = ConfigurationSetting("ANTHROPIC_API_KEY", key: "providers.anthropic.api_key", shape: .list, isSecret: true)
    package static let anthropicBaseURL = ConfigurationSetting(
        "ANTHROPIC_BASE_URL", key: "providers.anthropic.base_url", default: .value("https://api.anthropic.com"))
    /// Vertex AI (`vertex/` models; `gemini/` ones too with `USE_VERTEX_AUTH`, the seed's name).
    package static let useVertexAuth = ConfigurationSetting("USE_VERTEX_AUTH", key: "providers.vertex.use_for_gemini", default: .value("false"))
    package static let vertexProject = ConfigurationSetting("VERTEX_PROJECT", key: "providers.vertex.project")
    package static let vertexLocation = ConfigurationSetting("VERTEX_LOCATION", key: "providers.vertex.location", default: .value("us-central1"))
    /// Vertex express mode's keys; with one, requests go without project or credentials.
    package static let vertexAPIKey = ConfigurationSetting("VERTEX_API_KEY", key: "providers.vertex.api_key", shape: .list, isSecret: true)
    /// A service account or authorized user file; unset, Application Default Credentials' order.
    package static let googleApplicationCredentials = ConfigurationSetting(
        "GOOGLE_APPLICATION_CREDENTIALS", key: "providers.vertex.credentials_file")
    /// The API root, over `https://{location}-aiplatform.googleapis.com/v1`.
    package static let vertexBaseURL = ConfigurationSetting("VERTEX_BASE_URL", key: "providers.vertex.base_url")
    /// An OpenAI-compatible server in OpenAI's place for un-channelled `openai/` requests.
    package static let baseURL = ConfigurationSetting("BASE_URL", key: "providers.openai_compatible.base_url")
    package static let apiKey = ConfigurationSetting("API_KEY", key: "providers.openai_compatible.api_key", shape: .list, isSecret: true)
    package static let azureAPIVersion = ConfigurationSetting(
        "AZURE_API_VERSION", key: "providers.azure.api_version", default: .value(ProviderPreset.defaultAzureAPIVersion))

    package static let maxRetries = ConfigurationSetting("MAX_RETRIES", key: "reliability.max_retries", default: .value(String(RetryPolicy().maximumRetries)))
    package static let retryMaxWaitSeconds = ConfigurationSetting(
        "RETRY_MAX_WAIT_SECONDS", key: "reliability.retry_max_wait_seconds", default: .value(String(RetryPolicy().maximumWait.components.seconds)))
    /// The timeouts configure the HTTP client, which is made once at start-up.
    package static let connectTimeoutSeconds = ConfigurationSetting(
        "CONNECT_TIMEOUT_SECONDS", key: "reliability.connect_timeout_seconds", needsRestart: true, default: .value("10"))
    package static let firstByteTimeoutSeconds = ConfigurationSetting(
        "FIRST_BYTE_TIMEOUT_SECONDS", key: "reliability.first_byte_timeout_seconds", needsRestart: true, default: .value("600"))
    package static let idleTimeoutSeconds = ConfigurationSetting(
        "IDLE_TIMEOUT_SECONDS", key: "reliability.idle_timeout_seconds", needsRestart: true, default: .value("300"))
    package static let pingIntervalSeconds = ConfigurationSetting("PING_INTERVAL_SECONDS", key: "reliability.ping_interval_seconds", default: .value("10"))

    package static let modelOutputLimits = ConfigurationSetting("MODEL_OUTPUT_LIMITS", key: "limits.model_output_limits", shape: .map)
    package static let modelContextWindows = ConfigurationSetting("MODEL_CONTEXT_WINDOWS", key: "limits.model_context_windows", shape: .map)
    /// Prices over the generated data's, US dollars per million tokens.
    package static let modelPrices = ConfigurationSetting(
        "MODEL_PRICES", key: "prices", shape: .records(fields: ["input", "output", "cache_read", "cache_write"]))
    package static let defaultMaxOutputTokens = ConfigurationSetting(
        "DEFAULT_MAX_OUTPUT_TOKENS", key: "limits.default_max_output_tokens", default: .value("16384"))
    package static let requestBodyLimitMB = ConfigurationSetting("REQUEST_BODY_LIMIT_MB", key: "limits.request_body_limit_mb", default: .value("32"))
    package static let prefixCache = ConfigurationSetting("PREFIX_CACHE", key: "limits.prefix_cache", default: .value("on"))
    package static let prefixCacheMB = ConfigurationSetting("PREFIX_CACHE_MB", key: "limits.prefix_cache_mb", needsRestart: true, default: .value("192"))
    package static let messageThreads = ConfigurationSetting("MESSAGE_THREADS", key: "threads.enabled", default: .value("on"))
    package static let messageThreadsMB = ConfigurationSetting("MESSAGE_THREADS_MB", key: "threads.memory_mb", needsRestart: true, default: .value("256"))
    package static let messageThreadRetentionHours = ConfigurationSetting(
        "MESSAGE_THREAD_RETENTION_HOURS", key: "threads.retention_hours", default: .value("24"))

    /// The ledger's database is opened once, at start-up.
    package static let usageDatabase = ConfigurationSetting("USAGE_DATABASE", key: "usage.database", needsRestart: true)
    package static let usageRetentionDays = ConfigurationSetting("USAGE_RETENTION_DAYS", key: "usage.retention_days", default: .value("90"))

    package static let logLevel = ConfigurationSetting("LOG_LEVEL", key: "logging.level", needsRestart: true, default: .value("info"))
    package static let debug = ConfigurationSetting("DEBUG", key: "logging.debug", needsRestart: true, default: .value("false"))

    package static let metricsEnabled = ConfigurationSetting("METRICS_ENABLED", key: "metrics.enabled", default: .value("true"))

    /// Where a ready-made provider lives (`OLLAMA_BASE_URL`, `AZURE_API_BASE`).
    package static func presetBaseURL(_ preset: ProviderPreset) -> ConfigurationSetting {
        ConfigurationSetting(preset.baseURLVariable, key: "providers.\(preset.name).base_url", default: preset.defaultBaseURL.map { .value($0) } ?? .none)
    }

    /// A ready-made provider's keys; `nil` for the servers that take none.
    package static func presetAPIKey(_ preset: ProviderPreset) -> ConfigurationSetting? {
        preset.keyVariable.map { ConfigurationSetting($0, key: "providers.\(preset.name).api_key", shape: .list, isSecret: true) }
    }

    /// The settings of every configuration, in the order listings show them (channels follow).
    package static let fixed: [ConfigurationSetting] =
        [
            host, port, proxyAPIKey, adminAPIKey, allowUnauthenticated, shutdownGraceSeconds, clientHeaderTimeoutSeconds, clientBodyTimeoutSeconds,
            clientIdleTimeoutSeconds, maxConnections, preferredProvider, bigModel, smallModel, opusModel, webSearchModel,
            thinkModel, longContextModel, longContextThreshold, imageModel, refusalFallbacks,
            openAIAPIKey, openAIBaseURL, geminiAPIKey, geminiBaseURL, geminiExplicitCache, anthropicAPIKey, anthropicBaseURL,
            useVertexAuth, vertexProject, vertexLocation, vertexAPIKey, googleApplicationCredentials, vertexBaseURL, baseURL, apiKey,
        ]
        + ProviderPreset.all.flatMap { preset in [presetAPIKey(preset), presetBaseURL(preset)].compactMap { $0 } }
        + [
            azureAPIVersion, maxRetries, retryMaxWaitSeconds, connectTimeoutSeconds, firstByteTimeoutSeconds, idleTimeoutSeconds,
            pingIntervalSeconds, modelOutputLimits, modelContextWindows, modelPrices, defaultMaxOutputTokens, requestBodyLimitMB, prefixCache, prefixCacheMB,
            messageThreads, messageThreadsMB, messageThreadRetentionHours, usageDatabase,
            usageRetentionDays, metricsEnabled, logLevel, debug,
        ]

    private static let fixedByVariable = Dictionary(uniqueKeysWithValues: fixed.map { ($0.variable, $0) })
    private static let fixedByKey = Dictionary(uniqueKeysWithValues: fixed.map { ($0.key, $0) })

    /// The settings of a channel, chosen with a `:name` model suffix.
    package enum ChannelField: CaseIterable, Sendable {
        case baseURL, apiKey, provider, api
        /// A Vertex channel's own project, location and credentials file.
        case project, location, credentials

        /// `_BASE_URL` in `CHANNEL_<NAME>_BASE_URL`.
        var variableSuffix: String {
            switch self {
            case .baseURL: "_BASE_URL"
            case .apiKey: "_API_KEY"
            case .provider: "_PROVIDER"
            case .api: "_API"
            case .project: "_PROJECT"
            case .location: "_LOCATION"
            case .credentials: "_CREDENTIALS"
            }
        }

        /// `base_url` in `channels.<name>.base_url`.
        var fileKey: String {
            switch self {
            case .baseURL: "base_url"
            case .apiKey: "api_key"
            case .provider: "provider"
            case .api: "api"
            case .project: "project"
            case .location: "location"
            case .credentials: "credentials_file"
            }
        }
    }

    /// One of channel `name`'s settings; `name` is case-insensitive.
    package static func channel(_ name: String, _ field: ChannelField) -> ConfigurationSetting {
        let variable = "CHANNEL_\(name.uppercased())\(field.variableSuffix)"
        let key = "channels.\(name.lowercased()).\(field.fileKey)"
        switch field {
        case .apiKey: return ConfigurationSetting(variable, key: key, shape: .list, isSecret: true)
        case .baseURL, .provider, .api, .project, .location, .credentials: return ConfigurationSetting(variable, key: key)
        }
    }

    /// The setting a variable sets (`CHANNEL_<NAME>_...` for any name), if any, and the channel
    /// it belongs to, lower-cased.
    package static func named(variable: String) -> (setting: ConfigurationSetting, channel: String?)? {
        if let setting = fixedByVariable[variable] { return (setting, nil) }
        guard variable.hasPrefix("CHANNEL_") else { return nil }
        let rest = variable.dropFirst("CHANNEL_".count)
        // `_API_KEY` before `_API`, which it ends like.
        for field in [ChannelField.baseURL, .apiKey, .provider, .api, .project, .location, .credentials] where rest.hasSuffix(field.variableSuffix) {
            let name = String(rest.dropLast(field.variableSuffix.count))
            return name.isEmpty ? nil : (channel(name, field), name.lowercased())
        }
        return nil
    }

    /// The setting a file key sets (`channels.<name>.<field>` for any name), if any.
    package static func named(keyPath: [String]) -> ConfigurationSetting? {
        if keyPath.count == 3, keyPath[0] == "channels", let field = ChannelField.allCases.first(where: { $0.fileKey == keyPath[2] }) {
            return channel(keyPath[1], field)
        }
        return fixedByKey[keyPath.joined(separator: ".")]
    }

    /// Whether `path` is a group of settings in the file (`server`, `providers.openai`, `channels.work`).
    package static func isGroup(_ path: [String]) -> Bool {
        if path.first == "channels" { return path.count <= 2 }
        return fixed.contains { $0.keyPath.count > path.count && Array($0.keyPath.prefix(path.count)) == path }
    }

    private static func prefersGoogle(_ value: (ConfigurationSetting) -> String?) -> Bool {
        value(preferredProvider).flatMap { ProxyConfiguration.PreferredProvider(rawValue: $0.lowercased()) } == .google
    }
}
