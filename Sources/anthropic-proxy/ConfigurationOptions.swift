import ArgumentParser
import ProxyServer

/// Where the settings come from, for every subcommand that reads them.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "The configuration file, YAML or JSON (default: CONFIG_FILE, else anthropic-proxy.yaml or .json in the working directory, if present).")
    var configFile: String?

    @Option(name: .customLong("env-file"), help: "The .env file to read (default: .env in the working directory, if present).")
    var envFile: String?

    /// A loader of these sources, with `flags` (values by variable name) above them.
    func loader(flags: [String: String] = [:]) -> ConfigurationLoader {
        ConfigurationLoader(flags: flags, configFile: configFile, envFile: envFile)
    }
}
