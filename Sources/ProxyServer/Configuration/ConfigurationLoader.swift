import Foundation
import ProxyCore

/// Finds and reads the settings' sources and validates the configuration they make, the same way
/// at start-up, on a reload and for `config check`.
///
/// The sources, strongest first: the command-line flags, the environment, the `.env` file, the
/// configuration file, the defaults. The configuration file is `--config`, else `CONFIG_FILE`,
/// else `anthropic-proxy.yaml` or `anthropic-proxy.json` in the working directory when present.
package struct ConfigurationLoader: Sendable {
    /// Command-line values by variable name (`HOST`, `PORT`).
    package var flags: [String: String]
    /// `--config`.
    package var configFile: String?
    /// `--env-file`; else `.env` in the working directory, when present.
    package var envFile: String?
    package var environment: [String: String]
    /// Where relative paths start.
    package var workingDirectory: String

    /// The configuration files looked for in the working directory, in this order.
    package static let defaultFileNames = ["anthropic-proxy.yaml", "anthropic-proxy.json"]

    package init(
        flags: [String: String] = [:], configFile: String? = nil, envFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        self.flags = flags
        self.configFile = configFile
        self.envFile = envFile
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    package func load() throws(ConfigurationError) -> LoadedConfiguration {
        let dotEnvPath = envFile ?? ".env"
        let dotEnv = try text(of: dotEnvPath, namedBy: envFile == nil ? nil : "--env-file").map(DotEnv.parse) ?? [:]
        let variables = dotEnv.merging(environment) { _, fromEnvironment in fromEnvironment }
        var file: ConfigurationFile?
        if let chosen = configurationFile(variables), let text = try text(of: chosen.path, namedBy: chosen.namedBy) {
            file = try ConfigurationFile(path: chosen.path, text: text, variables: variables)
        }
        let settings = LayeredSettings(flags: flags, environment: environment, dotEnv: dotEnv, dotEnvPath: dotEnvPath, file: file)
        return try LoadedConfiguration(settings: settings, filePath: file?.path, watchedFiles: ([file?.path, dotEnvPath].compactMap { $0 }).map(resolved))
    }

    /// The configuration file's path and the setting that named it (`nil`: found by its default name).
    private func configurationFile(_ variables: [String: String]) -> (path: String, namedBy: String?)? {
        if let configFile { return (configFile, "--config") }
        if let path = variables["CONFIG_FILE"]?.trimmingCharacters(in: .whitespaces), !path.isEmpty { return (path, "CONFIG_FILE") }
        return Self.defaultFileNames.first { FileManager.default.fileExists(atPath: resolved($0)) }.map { ($0, nil) }
    }

    /// The file's text; `nil` when it does not exist and nothing named it. (Read through a file
    /// handle, which takes `/dev/null` too.)
    private func text(of path: String, namedBy setting: String?) throws(ConfigurationError) -> String? {
        let handle = FileHandle(forReadingAtPath: resolved(path))
        defer { try? handle?.close() }
        guard let handle, let data = try? handle.readToEnd() ?? Data() else {
            guard let setting else { return nil }
            let problem = FileManager.default.fileExists(atPath: resolved(path)) ? "\(path) cannot be read" : "\(path) does not exist"
            throw ConfigurationError(variable: setting, problem: problem)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `path` from the working directory, unless absolute.
    private func resolved(_ path: String) -> String {
        path.hasPrefix("/") ? path : "\(workingDirectory)/\(path)"
    }
}
