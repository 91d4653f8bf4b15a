import ArgumentParser
import Foundation
import Logging
import ProxyCore
import ProxyServer

/// `anthropic-proxy usage`: what the ledger holds, as a table.
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "Prints what the usage ledger holds: requests, tokens and cost, by day, model, client key or session.")

    @Option(help: "The first day: a day (2026-11-01) or days back from today (7d).")
    var since = "6d"

    @Option(help: "How to group: day, model, key or session.")
    var by = "day"

    @OptionGroup var sources: ConfigurationOptions

    func run() async throws {
        let configuration = try sources.loader().load().configuration
        let query: UsageQuery
        do {
            query = try UsageQuery(from: since, to: nil, groupBy: by, now: .now)
        } catch {
            throw ValidationError(error.message.replacingOccurrences(of: "from:", with: "--since:").replacingOccurrences(of: "group_by:", with: "--by:"))
        }
        let quiet = Logger(label: "usage") { _ in SwiftLogNoOpLogHandler() }
        let environment = ProcessInfo.processInfo.environment
        guard let store = try await configuration.usageDatabase.openForReading(environment: environment, logger: quiet) else {
            print("No usage recorded yet (USAGE_DATABASE: \(configuration.usageDatabase.description(environment: environment))).")
            return
        }
        let summaries = try await store.summaries(query)
        try await store.close()
        print("\(query.fromDay) to \(query.toDay), UTC")
        print(UsageText.table(summaries, grouping: query.grouping))
    }
}
