import ArgumentParser
import Foundation
import Logging
import ProxyCore
import ProxyServer

/// `anthropic-proxy statusline`: Claude Code's status line (`"statusLine": {"type": "command",
/// "command": "anthropic-proxy statusline"}`). Reads Claude Code's JSON on standard input (its
/// `session_id` and `model`), prints one line: the model that answers, this session's tokens and
/// cost, today's cost. It never fails loudly: whatever it cannot learn, it leaves out.
struct StatusLineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statusline", abstract: "Prints a status line for Claude Code from its JSON on standard input: the target model, the session's tokens and cost, today's cost.")

    @OptionGroup var sources: ConfigurationOptions

    func run() async throws {
        let input = (try? JSONParser.parse(Array(FileHandle.standardInput.readDataToEndOfFile()))) ?? .null
        let modelID = input["model"]?["id"]?.stringValue
        var target = input["model"]?["display_name"]?.stringValue ?? modelID ?? "anthropic-proxy"
        guard let configuration = try? sources.loader().load().configuration else {
            print(target)
            return
        }
        if let modelID, let routed = try? ModelRouter(configuration: configuration).route(modelID) { target = routed.qualifiedModel }
        let quiet = Logger(label: "statusline") { _ in SwiftLogNoOpLogHandler() }
        let store = try? await configuration.usageDatabase.openForReading(environment: ProcessInfo.processInfo.environment, logger: quiet)
        guard let store else {
            print(target)
            return
        }
        let now = UTCTime.now
        let today = try? await store.summaries(UsageQuery(fromDay: now.day, toDay: now.day, grouping: .day)).first
        var session: UsageSummary?
        if let sessionID = input["session_id"]?.stringValue { session = try? await store.sessionSummary(sessionID) }
        try? await store.close()
        print(UsageText.statusLine(target: target, session: session, today: today))
    }
}
