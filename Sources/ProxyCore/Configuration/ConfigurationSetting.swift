/// One setting: the environment variable and the configuration-file key that both set it, what
/// its value looks like, and how it must be handled (secret, read only at start-up, its default).
/// Every setting the proxy reads is defined once, in `ConfigurationSetting+Definitions.swift`.
package struct ConfigurationSetting: Sendable {
    /// How the configuration file may write the value.
    package enum Shape: Sendable, Equatable {
        /// One value.
        case single
        /// Several values, comma-separated in a variable or a list in the file (keys, fallback models).
        case list
        /// `name=number` pairs, comma-separated in a variable or a mapping in the file.
        case map
        /// `name=value/value/...` entries, comma-separated in a variable; in the file, a mapping of
        /// names to mappings of these fields (in this order, any left out) or to the slash form.
        case records(fields: [String])
    }

    /// The value used when no source sets the setting.
    package enum Default: Sendable {
        case none
        case value(String)
        /// Computed from the values of other settings (the model defaults follow
        /// `PREFERRED_PROVIDER`, and `OPUS_MODEL` follows `BIG_MODEL`).
        case derived(@Sendable (_ value: (ConfigurationSetting) -> String?) -> String?)
    }

    /// Its environment variable (and `.env` name): `PORT`.
    package let variable: String
    /// Its key in the configuration file, dot-separated: `server.port`.
    package let key: String
    /// The key's components, as swift-configuration and the file's tree name them.
    package let keyPath: [String]
    package let shape: Shape
    /// Its value is a key: never logged, printed or put in an error, and redacted from bodies.
    package let isSecret: Bool
    /// Read only at start-up (the listening address, the HTTP client): a reload that changes it
    /// says a restart is needed and keeps the running value.
    package let needsRestart: Bool
    package let defaultValue: Default

    package init(
        _ variable: String, key: String, shape: Shape = .single, isSecret: Bool = false, needsRestart: Bool = false, default defaultValue: Default = .none
    ) {
        self.variable = variable
        self.key = key
        self.keyPath = key.split(separator: ".").map(String.init)
        self.shape = shape
        self.isSecret = isSecret
        self.needsRestart = needsRestart
        self.defaultValue = defaultValue
    }
}
