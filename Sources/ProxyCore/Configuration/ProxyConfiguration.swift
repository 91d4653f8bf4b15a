/// A start-up setting whose value is unusable; the message names the variable and what it takes.
package struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    package let variable: String
    package let problem: String

    package var description: String { "\(variable): \(problem)" }
}

/// Every setting, read once at start-up from the environment (which wins) and a `.env` file.
/// Variable names are those of the seed proxy, plus the additions the README lists.
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
    }

    package var host = "127.0.0.1"
    package var port = 8082
    /// Keys may be comma-separated lists; requests rotate over them (see `KeyRing`).
    package var openAIAPIKeys: [String] = []
    package var geminiAPIKeys: [String] = []
    package var anthropicAPIKeys: [String] = []
    package var preferredProvider = PreferredProvider.openAI
    package var bigModel: String
    package var smallModel: String
    package var opusModel: String
    /// An OpenAI-compatible server that replaces OpenAI for un-channelled requests (`BASE_URL`).
    package var baseURL: String?
    package var apiKeys: [String] = []
    package var openAIBaseURL = "https://api.openai.com/v1"
    /// Gemini's native API root (`GEMINI_BASE_URL`), for `gemini/` models without a channel.
    package var geminiBaseURL = ProxyConfiguration.publicGeminiBaseURL
    package var anthropicBaseURL = "https://api.anthropic.com"
    /// Channels by lower-cased name.
    package var channels: [String: Channel] = [:]
    /// The ready-made providers' API roots and keys, by preset name (see `ProviderPreset`).
    package var presetEndpoints: [String: PresetEndpoint] = [:]
    /// Azure OpenAI's `api-version` (`AZURE_API_VERSION`).
    package var azureAPIVersion = ProviderPreset.defaultAzureAPIVersion
    package var debug = false
    package var logLevel = "info"
    /// Output ceilings by upstream model name (`MODEL_OUTPUT_LIMITS=name=tokens,...`), over the catalog's.
    package var modelOutputLimits: [String: Int] = [:]
    /// Context windows by lower-cased model name, over the catalog's (`MODEL_CONTEXT_WINDOWS`).
    package var modelContextWindows: [String: Int] = [:]
    /// The output ceiling for models the catalog does not know (`DEFAULT_MAX_OUTPUT_TOKENS`).
    package var defaultMaxOutputTokens = 16384
    /// How long a stream may be silent before a `ping` is sent (`PING_INTERVAL_SECONDS`).
    package var pingInterval = Duration.seconds(10)
    /// Retries of failed upstream attempts (`MAX_RETRIES`, `RETRY_MAX_WAIT_SECONDS`).
    package var retryPolicy = RetryPolicy()
    /// Upstream timeouts: connecting, the response head (a whole reply when not streamed), and
    /// silence between stream events (`CONNECT_TIMEOUT_SECONDS`, `FIRST_BYTE_TIMEOUT_SECONDS`,
    /// `IDLE_TIMEOUT_SECONDS`).
    package var connectTimeout = Duration.seconds(10)
    package var firstByteTimeout = Duration.seconds(600)
    package var idleTimeout = Duration.seconds(300)
    /// The largest request body accepted (`REQUEST_BODY_LIMIT_MB`).
    package var requestBodyLimit = 32 * 1024 * 1024
    /// How long streams in flight may run on after SIGTERM or SIGINT (`SHUTDOWN_GRACE_SECONDS`).
    package var shutdownGracePeriod = Duration.seconds(30)
    /// When set, clients must present it as `x-api-key` or `Authorization: Bearer` (`PROXY_API_KEY`).
    package var proxyAPIKey: String?

    /// Settings from an environment, with `.env` values under it.
    package init(environment: [String: String], dotEnv: [String: String] = [:]) throws(ConfigurationError) {
        let settings = dotEnv.merging(environment) { _, fromEnvironment in fromEnvironment }
        func value(_ name: String) -> String? {
            guard let value = settings[name]?.trimmingWhitespace(), !value.isEmpty else { return nil }
            return value
        }

        if let host = value("HOST") { self.host = host }
        if let port = value("PORT") { self.port = try Self.port(port, variable: "PORT") }
        openAIAPIKeys = Self.keyList(value("OPENAI_API_KEY"))
        geminiAPIKeys = Self.keyList(value("GEMINI_API_KEY"))
        anthropicAPIKeys = Self.keyList(value("ANTHROPIC_API_KEY"))
        if let preferred = value("PREFERRED_PROVIDER") {
            guard let provider = PreferredProvider(rawValue: preferred.lowercased()) else {
                throw ConfigurationError(variable: "PREFERRED_PROVIDER", problem: "'\(preferred)' is not a provider; use openai or google")
            }
            preferredProvider = provider
        }
        let google = preferredProvider == .google
        bigModel = value("BIG_MODEL") ?? (google ? "gemini-2.5-pro" : "gpt-4.1")
        smallModel = value("SMALL_MODEL") ?? (google ? "gemini-2.5-flash" : "gpt-4.1-mini")
        opusModel = value("OPUS_MODEL") ?? bigModel
        baseURL = try value("BASE_URL").map { url throws(ConfigurationError) in try Self.url(url, variable: "BASE_URL") }
        apiKeys = Self.keyList(value("API_KEY"))
        if let url = value("OPENAI_BASE_URL") { openAIBaseURL = try Self.url(url, variable: "OPENAI_BASE_URL") }
        if let url = value("GEMINI_BASE_URL") { geminiBaseURL = try Self.url(url, variable: "GEMINI_BASE_URL") }
        if let url = value("ANTHROPIC_BASE_URL") { anthropicBaseURL = try Self.url(url, variable: "ANTHROPIC_BASE_URL") }
        for (name, url) in settings where name.hasPrefix("CHANNEL_") && name.hasSuffix("_BASE_URL") {
            let channel = String(name.dropFirst("CHANNEL_".count).dropLast("_BASE_URL".count))
            guard !channel.isEmpty, !url.trimmingWhitespace().isEmpty else { continue }
            channels[channel.lowercased()] = Channel(
                baseURL: try Self.url(url.trimmingWhitespace(), variable: name),
                apiKeys: Self.keyList(value("CHANNEL_\(channel)_API_KEY"))
            )
        }
        try readPresets(settings, value: value)
        if let debug = value("DEBUG") { self.debug = try Self.flag(debug, variable: "DEBUG") }
        if let level = value("LOG_LEVEL") {
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(level.lowercased()) else {
                throw ConfigurationError(variable: "LOG_LEVEL", problem: "'\(level)' is not a level; use one of \(levels.joined(separator: ", "))")
            }
            logLevel = level.lowercased()
        }
        if let limits = value("MODEL_OUTPUT_LIMITS") { modelOutputLimits = try Self.limits(limits, variable: "MODEL_OUTPUT_LIMITS") }
        if let windows = value("MODEL_CONTEXT_WINDOWS") { modelContextWindows = try Self.limits(windows, variable: "MODEL_CONTEXT_WINDOWS") }
        if let limit = value("DEFAULT_MAX_OUTPUT_TOKENS") { defaultMaxOutputTokens = try Self.positiveInteger(limit, variable: "DEFAULT_MAX_OUTPUT_TOKENS") }
        if let seconds = value("PING_INTERVAL_SECONDS") { pingInterval = .seconds(try Self.positiveInteger(seconds, variable: "PING_INTERVAL_SECONDS")) }
        if let retries = value("MAX_RETRIES") {
            guard let count = Int(retries), (0...10).contains(count) else {
                throw ConfigurationError(variable: "MAX_RETRIES", problem: "'\(retries)' is not a whole number from 0 to 10")
            }
            retryPolicy.maximumRetries = count
        }
        if let wait = value("RETRY_MAX_WAIT_SECONDS") { retryPolicy.maximumWait = .seconds(try Self.positiveInteger(wait, variable: "RETRY_MAX_WAIT_SECONDS")) }
        if let seconds = value("CONNECT_TIMEOUT_SECONDS") { connectTimeout = .seconds(try Self.positiveInteger(seconds, variable: "CONNECT_TIMEOUT_SECONDS")) }
        if let seconds = value("FIRST_BYTE_TIMEOUT_SECONDS") { firstByteTimeout = .seconds(try Self.positiveInteger(seconds, variable: "FIRST_BYTE_TIMEOUT_SECONDS")) }
        if let seconds = value("IDLE_TIMEOUT_SECONDS") { idleTimeout = .seconds(try Self.positiveInteger(seconds, variable: "IDLE_TIMEOUT_SECONDS")) }
        if let megabytes = value("REQUEST_BODY_LIMIT_MB") { requestBodyLimit = try Self.positiveInteger(megabytes, variable: "REQUEST_BODY_LIMIT_MB") * 1024 * 1024 }
        if let seconds = value("SHUTDOWN_GRACE_SECONDS") { shutdownGracePeriod = .seconds(try Self.positiveInteger(seconds, variable: "SHUTDOWN_GRACE_SECONDS")) }
        proxyAPIKey = value("PROXY_API_KEY")
    }

    /// Google's public endpoint for the Gemini API.
    package static let publicGeminiBaseURL = "https://generativelanguage.googleapis.com/v1beta"

    /// Every key the configuration holds, for redacting them from logs.
    package var secrets: [String] {
        openAIAPIKeys + geminiAPIKeys + anthropicAPIKeys + apiKeys + channels.values.flatMap(\.apiKeys) + (proxyAPIKey.map { [$0] } ?? [])
            + presetEndpoints.values.flatMap(\.apiKeys)
    }

    static func keyList(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    private static func port(_ text: String, variable: String) throws(ConfigurationError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ConfigurationError(variable: variable, problem: "'\(text)' is not a port number (1-65535)")
        }
        return port
    }

    /// Accepts `http://` and `https://` URLs with a host, and drops a trailing slash.
    static func url(_ text: String, variable: String) throws(ConfigurationError) -> String {
        let lowered = text.lowercased()
        let scheme = lowered.hasPrefix("https://") ? "https://" : lowered.hasPrefix("http://") ? "http://" : nil
        let rest = scheme.map { text.dropFirst($0.count) } ?? ""
        guard scheme != nil, let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? Optional(rest.endIndex),
            !rest[..<hostEnd].isEmpty, !rest.contains(" ")
        else {
            throw ConfigurationError(variable: variable, problem: "'\(text)' is not an http:// or https:// URL")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    private static func positiveInteger(_ text: String, variable: String) throws(ConfigurationError) -> Int {
        guard let number = Int(text), number > 0 else {
            throw ConfigurationError(variable: variable, problem: "'\(text)' is not a positive whole number")
        }
        return number
    }

    private static func flag(_ text: String, variable: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: variable, problem: "'\(text)' is not true or false")
        }
    }

    /// `model=tokens,...`, by lower-cased model name.
    private static func limits(_ text: String, variable: String) throws(ConfigurationError) -> [String: Int] {
        var limits: [String: Int] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let tokens = Int(parts[1].trimmingWhitespace()), tokens > 0 else {
                throw ConfigurationError(variable: variable, problem: "'\(entry)' is not model=tokens")
            }
            limits[parts[0].trimmingWhitespace().lowercased()] = tokens
        }
        return limits
    }
}
