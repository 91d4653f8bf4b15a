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

    /// Reads where each ready-made provider lives and its keys.
    mutating func readPresets(_ settings: LayeredSettings) throws(ConfigurationError) {
        for preset in ProviderPreset.all {
            presetEndpoints[preset.name] = PresetEndpoint(
                baseURL: try settings.optional(.presetBaseURL(preset), Self.url),
                apiKeys: Self.keyList(ConfigurationSetting.presetAPIKey(preset).flatMap(settings.value)))
        }
    }

    /// Reads every channel a source names. A channel is defined by its URL, its provider or its
    /// API; without a URL it takes its provider's, and without keys its provider's keys.
    mutating func readChannels(_ settings: LayeredSettings) throws(ConfigurationError) {
        for name in settings.channelNames {
            let baseURL = try settings.optional(.channel(name, .baseURL), Self.url)
            if settings.value(.channel(name, .provider))?.lowercased() == "vertex" {
                channels[name] = try vertexChannel(name, baseURL: baseURL, settings)
                continue
            }
            let preset = try settings.optional(.channel(name, .provider)) { presetName, settingName throws(ConfigurationError) in
                guard let found = ProviderPreset.named(presetName) else {
                    let names = ProviderPreset.all.map(\.name) + ["vertex"]
                    throw ConfigurationError(variable: settingName, problem: "'\(presetName)' is not a provider; use one of \(names.joined(separator: ", "))")
                }
                return found
            }
            let api = try settings.optional(.channel(name, .api)) { apiName, settingName throws(ConfigurationError) in
                guard let found = Self.channelAPIs[apiName.lowercased()] else {
                    throw ConfigurationError(variable: settingName, problem: "'\(apiName)' is not an API; use chat or responses")
                }
                return found
            }
            guard baseURL != nil || preset != nil || api != nil else { continue }
            guard let channelURL = baseURL ?? preset.flatMap({ presetEndpoints[$0.name]?.baseURL }) else {
                // Named as the source that defined the channel spells its settings.
                let definedBy = ConfigurationSetting.channel(name, preset != nil ? .provider : .api)
                let hint = preset.map { " (or \(settings.label(.presetBaseURL($0), like: definedBy)): the \($0.name) provider has no default)" } ?? ""
                throw ConfigurationError(variable: settings.name(.channel(name, .baseURL), like: definedBy), problem: "required for the channel '\(name)'\(hint)")
            }
            var channel = Channel(baseURL: channelURL, apiKeys: Self.keyList(settings.value(.channel(name, .apiKey))), preset: preset, api: api)
            if channel.apiKeys.isEmpty, let preset, let keyVariable = preset.keyVariable, let keys = presetEndpoints[preset.name]?.apiKeys, !keys.isEmpty {
                channel.apiKeys = keys
                channel.keyVariable = keyVariable
            }
            channels[name] = channel
        }
    }

    /// A Vertex AI channel: its own project, location, key and credentials, each defaulting to the
    /// `VERTEX_*` settings'.
    private func vertexChannel(_ name: String, baseURL: String?, _ settings: LayeredSettings) throws(ConfigurationError) -> Channel {
        let keys = Self.keyList(settings.value(.channel(name, .apiKey)))
        let project = ConfigurationSetting.channel(name, .project)
        let settingsOfItsOwn = VertexSettings(
            project: settings.value(project) ?? vertex.project,
            location: try settings.optional(.channel(name, .location), Self.vertexLocation) ?? vertex.location,
            apiKeys: keys.isEmpty ? vertex.apiKeys : keys, credentialsFile: settings.value(.channel(name, .credentials)) ?? vertex.credentialsFile,
            baseURL: baseURL ?? vertex.baseURL, keyVariable: keys.isEmpty ? "VERTEX_API_KEY" : ConfigurationSetting.channel(name, .apiKey).variable,
            projectVariable: project.variable)
        return Channel(baseURL: baseURL ?? "", apiKeys: settingsOfItsOwn.apiKeys, vertex: settingsOfItsOwn)
    }
}
