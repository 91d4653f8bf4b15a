import Configuration

/// Every setting's effective value and where it came from, read through swift-configuration's
/// `ConfigReader` from layers keyed by setting key, strongest first: flags, the environment,
/// `.env`, the configuration file; then the setting's default.
///
/// Variables map to keys through the setting definitions (`PORT` is `server.port`), not by
/// swift-configuration's own encoding (`SERVER_PORT`). A blank value counts as unset: it hides
/// what weaker sources say and leaves the default, as an empty variable hid `.env` before.
package struct LayeredSettings: Sendable {
    /// Every setting in play (the fixed ones, then each channel's), with its value and source.
    package let resolved: [ResolvedSetting]
    /// The channels any source sets something for, lower-cased and sorted.
    package let channelNames: [String]
    private let byKey: [String: ResolvedSetting]
    private let sources: Sources

    /// What the settings were read from, kept so that they can be read again with some pinned.
    private struct Sources: Sendable {
        var flags: [String: String]
        var environment: [String: String]
        var dotEnv: [String: String]
        var dotEnvPath: String
        var file: ConfigurationFile?
        var pinned: [ResolvedSetting] = []
    }

    /// - Parameters:
    ///   - flags: command-line values by variable name (`HOST`, `PORT`).
    ///   - dotEnvPath: the `.env` file's path, for provenance.
    package init(
        flags: [String: String] = [:], environment: [String: String], dotEnv: [String: String] = [:], dotEnvPath: String = ".env",
        file: ConfigurationFile? = nil
    ) {
        self.init(Sources(flags: flags, environment: environment, dotEnv: dotEnv, dotEnvPath: dotEnvPath, file: file))
    }

    /// The same sources, with `running`'s values above them all (a reload keeps the values of the
    /// settings that need a restart).
    package func pinning(_ running: [ResolvedSetting]) -> LayeredSettings {
        var sources = sources
        sources.pinned = running
        return LayeredSettings(sources)
    }

    private init(_ sources: Sources) {
        self.sources = sources
        var channels = Set(sources.file?.channelNames ?? [])
        for variable in Array(sources.environment.keys) + Array(sources.dotEnv.keys) {
            if let channel = ConfigurationSetting.named(variable: variable)?.channel { channels.insert(channel) }
        }
        channelNames = channels.sorted()
        let settings = ConfigurationSetting.fixed + channelNames.flatMap { name in ConfigurationSetting.ChannelField.allCases.map { .channel(name, $0) } }
        let layered = Self.read(settings, from: sources)

        func effective(_ setting: ConfigurationSetting) -> ResolvedSetting {
            if let found = layered[setting.key] { return found }
            let value: String? =
                switch setting.defaultValue {
                case .none: nil
                case .value(let value): value
                case .derived(let derive): derive { effective($0).value }
                }
            return ResolvedSetting(setting: setting, value: value, source: .default)
        }
        resolved = settings.map(effective)
        byKey = Dictionary(uniqueKeysWithValues: resolved.map { ($0.setting.key, $0) })
    }

    /// The settings some source sets, by key, through one `ConfigReader` over all the sources.
    private static func read(_ settings: [ConfigurationSetting], from sources: Sources) -> [String: ResolvedSetting] {
        var layers: [(name: String, values: [AbsoluteConfigKey: ConfigValue], source: SettingSource?)] = []
        if !sources.pinned.isEmpty {
            // `nil`: each pinned value keeps the source it had.
            layers.append(("running", values(sources.pinned.compactMap { pinned in pinned.value.map { (pinned.setting, $0) } }), nil))
        }
        layers += [
            ("flags", values(variables: sources.flags), .flag),
            ("environment", values(variables: sources.environment), .environment),
            (".env", values(variables: sources.dotEnv), .dotEnv(path: sources.dotEnvPath)),
        ]
        if let file = sources.file {
            let fileSettings = file.values.compactMap { key, text in
                ConfigurationSetting.named(keyPath: key.split(separator: ".").map(String.init)).map { ($0, text) }
            }
            layers.append(("file \(file.path)", values(fileSettings), .file(path: file.path)))
        }
        let providers = layers.map { InMemoryProvider(name: $0.name, values: $0.values) }
        let recorder = ProvenanceRecorder()
        let reader = ConfigReader(providers: providers, accessReporter: recorder)
        let sourcesByProvider = Dictionary(uniqueKeysWithValues: zip(providers.map(\.providerName), layers.map(\.source)))
        let pinnedSources = Dictionary(sources.pinned.map { ($0.setting.key, $0.source) }, uniquingKeysWith: { first, _ in first })
        // Only what some source sets is read: the rest takes its default.
        let setKeys = layers.reduce(into: Set<AbsoluteConfigKey>()) { keys, layer in keys.formUnion(layer.values.keys) }

        var found: [String: ResolvedSetting] = [:]
        for setting in settings where setKeys.contains(AbsoluteConfigKey(setting.keyPath)) {
            guard let text = reader.string(forKey: ConfigKey(setting.keyPath), isSecret: setting.isSecret)?.trimmingWhitespace(), !text.isEmpty,
                let providerName = recorder.providerName(forKey: AbsoluteConfigKey(setting.keyPath)), let layerSource = sourcesByProvider[providerName]
            else { continue }
            found[setting.key] = ResolvedSetting(setting: setting, value: text, source: layerSource ?? pinnedSources[setting.key] ?? .default)
        }
        return found
    }

    /// A layer's values by key, from variables (`PORT`, `CHANNEL_<NAME>_...`); others are left out.
    private static func values(variables: [String: String]) -> [AbsoluteConfigKey: ConfigValue] {
        values(variables.compactMap { variable, text in ConfigurationSetting.named(variable: variable).map { ($0.setting, text) } })
    }

    private static func values(_ settings: [(ConfigurationSetting, String)]) -> [AbsoluteConfigKey: ConfigValue] {
        var entries: [AbsoluteConfigKey: ConfigValue] = [:]
        for (setting, text) in settings {
            entries[AbsoluteConfigKey(setting.keyPath)] = ConfigValue(.string(text), isSecret: setting.isSecret)
        }
        return entries
    }

    // MARK: - Reading

    /// The setting's effective value: from the strongest source that sets it, else its default.
    package func value(_ setting: ConfigurationSetting) -> String? {
        byKey[setting.key]?.value
    }

    package func source(_ setting: ConfigurationSetting) -> SettingSource {
        byKey[setting.key]?.source ?? .default
    }

    /// The value of a setting that has a default.
    package func required(_ setting: ConfigurationSetting) -> String {
        guard let text = value(setting) else { preconditionFailure("\(setting.variable) has no default") }
        return text
    }

    /// The value, parsed, of a setting that has a default.
    package func required<Value>(
        _ setting: ConfigurationSetting, _ parse: (_ text: String, _ name: String) throws(ConfigurationError) -> Value
    ) throws(ConfigurationError) -> Value {
        try parse(required(setting), name(setting))
    }

    /// The setting's value parsed, `nil` when it has none.
    package func optional<Value>(
        _ setting: ConfigurationSetting, _ parse: (_ text: String, _ name: String) throws(ConfigurationError) -> Value
    ) throws(ConfigurationError) -> Value? {
        guard let text = value(setting) else { return nil }
        return try parse(text, name(setting))
    }

    /// How messages name a setting: `path: key` when its value (or, for a missing one, the value of
    /// `other`) came from the configuration file, else its variable.
    package func name(_ setting: ConfigurationSetting, like other: ConfigurationSetting? = nil) -> String {
        guard case .file(let path) = source(other ?? setting) else { return setting.variable }
        return "\(path): \(setting.key)"
    }

    /// The setting's key or variable, in the same style as `name(_:like:)` but without the file.
    package func label(_ setting: ConfigurationSetting, like other: ConfigurationSetting) -> String {
        guard case .file = source(other) else { return setting.variable }
        return setting.key
    }
}
