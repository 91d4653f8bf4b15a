import ArgumentParser
import Foundation
import ProxyCore
import ProxyServer

/// `anthropic-proxy doctor`: checks what the proxy depends on, one line each, and exits 1 when
/// anything would fail.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Checks the configuration, each upstream in use (its URL, key and models), Claude's names, the address and port, the usage database and Claude Code; exits 1 when any check fails.")

    @Flag(help: "Print a JSON document ({\"ok\", \"checks\": [{\"name\", \"status\", \"detail\", \"fix\"}]}) instead of lines.")
    var json = false

    @Option(help: "Seconds each network check (and claude --version) may take; they run at once.")
    var timeout: Double = 3

    @OptionGroup var sources: ConfigurationOptions

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout: give seconds, more than 0 and at most 600.") }
    }

    func run() async throws {
        let report = await Doctor.examine(sources.loader(), timeout: .milliseconds(Int((timeout * 1000).rounded())))
        print(json ? JSONWriter.string(report.json) : report.text)
        if !report.ok { throw ExitCode(report.exitStatus) }
    }
}
