import ArgumentParser
import Foundation
import ProxyServer

/// `anthropic-proxy config ...`: the configuration's own commands.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Works with the configuration.", subcommands: [ConfigCheckCommand.self])
}

/// `anthropic-proxy config check`: validates the configuration as start-up does and prints it.
struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validates the configuration as start-up does, and prints every value (secrets redacted) with where it came from.")

    @OptionGroup var sources: ConfigurationOptions

    func run() throws {
        let outcome = ConfigurationCheck.run(sources.loader())
        guard outcome.isValid else {
            FileHandle.standardError.write(Data("\(outcome.text)\n".utf8))
            throw ExitCode(2)
        }
        print(outcome.text)
    }
}
