/// Where a setting's value came from. Stronger sources hide weaker ones: flags, then the
/// environment, then `.env`, then the configuration file, then the default.
package enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    case flag
    case environment
    case dotEnv(path: String)
    case file(path: String)
    case `default`

    package var description: String {
        switch self {
        case .flag: "flag"
        case .environment: "environment"
        case .dotEnv(let path), .file(let path): path
        case .default: "default"
        }
    }
}
