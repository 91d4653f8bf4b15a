/// A setting with its effective value and the source it came from.
package struct ResolvedSetting: Sendable {
    package let setting: ConfigurationSetting
    /// `nil` when no source sets it and it has no default. Holds keys: show `printableValue`.
    package let value: String?
    package let source: SettingSource

    package init(setting: ConfigurationSetting, value: String?, source: SettingSource) {
        self.setting = setting
        self.value = value
        self.source = source
    }

    /// The value as listings show it: secrets as `<redacted>`, a URL's password as `***`, unset as `-`.
    package var printableValue: String {
        guard let value else { return "-" }
        return setting.isSecret ? "<redacted>" : value.maskingURLPassword
    }
}
