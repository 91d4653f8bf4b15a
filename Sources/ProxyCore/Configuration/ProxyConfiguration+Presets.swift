extension ProxyConfiguration {
    /// Where a ready-made provider's requests go, from its variables.
    package struct PresetEndpoint: Sendable, Equatable {
        /// Its `<NAME>_BASE_URL` (Azure: `AZURE_API_BASE`), else its default; `nil` when it has
        /// none and the variable is unset.
        package var baseURL: String?
        package var apiKeys: [String]

        package init(baseURL: String?, apiKeys: [String]) {
            self.baseURL = baseURL
            self.apiKeys = apiKeys
        }
    }

    /// The protocols a channel may be set to speak, by their `CHANNEL_<NAME>_API` names.
    private static let channelAPIs: [String: Provider] = ["chat": .openAI, "chat_completions": .openAI, "responses": .openAIResponses]

    /// Reads the presets' variables, then `CHANNEL_<NAME>_PROVIDER` and `CHANNEL_<NAME>_API`,
    /// which may define a channel on their own (its URL and key then come from its preset).
    mutating func readPresets(_ settings: [String: String], value: (String) -> String?) throws(ConfigurationError) {
        for preset in ProviderPreset.all {
            let baseURL = try value(preset.baseURLVariable).map { url throws(ConfigurationError) in try Self.url(url, variable: preset.baseURLVariable) }
            presetEndpoints[preset.name] = PresetEndpoint(
                baseURL: baseURL ?? preset.defaultBaseURL, apiKeys: Self.keyList(preset.keyVariable.flatMap(value)))
        }
        if let version = value("AZURE_API_VERSION") { azureAPIVersion = version }

        var named: Set<String> = []
        for name in settings.keys where name.hasPrefix("CHANNEL_") && (name.hasSuffix("_PROVIDER") || name.hasSuffix("_API")) {
            let suffix = name.hasSuffix("_API") ? "_API" : "_PROVIDER"
            let channel = String(name.dropFirst("CHANNEL_".count).dropLast(suffix.count))
            if !channel.isEmpty, value(name) != nil { named.insert(channel) }
        }
        for variableName in named.sorted() {
            try readChannelSettings(variableName, value: value)
        }
    }

    /// Applies one channel's `_PROVIDER` and `_API` settings; `variableName` is the channel's
    /// name as its variables spell it.
    private mutating func readChannelSettings(_ variableName: String, value: (String) -> String?) throws(ConfigurationError) {
        let prefix = "CHANNEL_\(variableName)"
        var preset: ProviderPreset?
        if let presetName = value("\(prefix)_PROVIDER") {
            guard let found = ProviderPreset.named(presetName) else {
                throw ConfigurationError(
                    variable: "\(prefix)_PROVIDER",
                    problem: "'\(presetName)' is not a provider; use one of \(ProviderPreset.all.map(\.name).joined(separator: ", "))")
            }
            preset = found
        }
        var api: Provider?
        if let apiName = value("\(prefix)_API") {
            guard let found = Self.channelAPIs[apiName.lowercased()] else {
                throw ConfigurationError(variable: "\(prefix)_API", problem: "'\(apiName)' is not an API; use chat or responses")
            }
            api = found
        }
        let key = variableName.lowercased()
        var channel: Channel
        if let defined = channels[key] {
            channel = defined
        } else {
            guard let preset, let baseURL = presetEndpoints[preset.name]?.baseURL else {
                let hint = preset.map { " (or \($0.baseURLVariable): the \($0.name) provider has no default)" } ?? ""
                throw ConfigurationError(variable: "\(prefix)_BASE_URL", problem: "required for the channel '\(key)'\(hint)")
            }
            channel = Channel(baseURL: baseURL, apiKeys: [])
        }
        channel.preset = preset
        channel.api = api
        if channel.apiKeys.isEmpty, let preset, let keyVariable = preset.keyVariable, let keys = presetEndpoints[preset.name]?.apiKeys, !keys.isEmpty {
            channel.apiKeys = keys
            channel.keyVariable = keyVariable
        }
        channels[key] = channel
    }
}
