import ArgumentParser
import ProxyCore

/// `anthropic-proxy` serves (the default subcommand); `config check` checks the configuration;
/// `doctor` checks everything it depends on; `usage` and `statusline` read the usage ledger; `keys` manages client keys; `init` writes a starter configuration file. (Not main.swift: ArgumentParser's async commands need `@main` on the root command.)
@main
struct AnthropicProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anthropic-proxy",
        abstract: "Serves the Anthropic Messages API and fulfils requests through OpenAI-compatible, Gemini or Anthropic upstreams.",
        discussion: """
            Settings come from the flags, the environment, the .env file, the configuration file, then the defaults (the first \
            that sets a value wins). See README.md, .env.example and anthropic-proxy.example.yaml.
            """,
        version: ProxyVersion.current,
        subcommands: [ServeCommand.self, ClaudeCommand.self, InitCommand.self, ConfigCommand.self, DoctorCommand.self, UsageCommand.self, StatusLineCommand.self, KeysCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
