import ArgumentParser
import Foundation
import ProxyCore

/// `anthropic-proxy init`: writes a commented configuration file for one provider.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Writes a commented anthropic-proxy.yaml for a provider (its key as a ${NAME} reference, never the value).")

    @Option(help: "The provider: \(StarterConfiguration.all.map(\.name).joined(separator: ", ")) (asked for on a terminal when left out).")
    var provider: String?

    @Option(help: "The file to write.")
    var output = "anthropic-proxy.yaml"

    @Flag(help: "Replace the file if it exists.")
    var force = false

    func run() throws {
        let starter = try chosenStarter()
        if FileManager.default.fileExists(atPath: output), !force {
            throw ValidationError("\(output) exists already; pass --force to replace it, or --output to write another file.")
        }
        try starter.yaml.write(toFile: output, atomically: true, encoding: .utf8)
        print("Wrote \(output) for \(starter.displayName): sonnet → \(starter.big), haiku → \(starter.small), opus → \(starter.opus).")
        if let variable = starter.keyVariable { print("Set \(variable) in your environment or in .env (the file names it, it does not hold it).") }
        print("Then: anthropic-proxy config check, and start it with anthropic-proxy.")
    }

    /// `--provider`'s choice, or the one the user types at the prompt.
    private func chosenStarter() throws -> StarterConfiguration {
        let names = StarterConfiguration.all.map(\.name).joined(separator: ", ")
        if let provider {
            guard let starter = StarterConfiguration.named(provider) else { throw ValidationError("--provider: '\(provider)' is not one of \(names)") }
            return starter
        }
        guard isatty(STDIN_FILENO) == 1 else { throw ValidationError("Name a provider with --provider (\(names)).") }
        for (index, starter) in StarterConfiguration.all.enumerated() { print("\(index + 1). \(starter.displayName)") }
        print("Which provider (1-\(StarterConfiguration.all.count), or its name)? ", terminator: "")
        let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces)
        if let number = Int(answer), StarterConfiguration.all.indices.contains(number - 1) { return StarterConfiguration.all[number - 1] }
        guard let starter = StarterConfiguration.named(answer) else { throw ValidationError("'\(answer)' is not one of \(names)") }
        return starter
    }
}
