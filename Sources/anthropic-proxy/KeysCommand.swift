import ArgumentParser
import Foundation
import Logging
import ProxyCore
import ProxyServer

/// `anthropic-proxy keys`: client keys in the usage database (`USAGE_DATABASE`), for a team.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Makes, lists, changes and revokes client keys (kept in the usage database).",
        subcommands: [Create.self, List.self, Update.self, Revoke.self])

    /// The limits `create` and `update` set; each one left out is unchanged, `none` removes it.
    struct Limits: ParsableArguments {
        @Option(name: .customLong("budget-usd"), help: "Dollars the key may spend each period (none: no budget).")
        var budgetUSD: String?

        @Option(name: .customLong("budget-period"), help: "day, week or month (UTC; weeks start on Monday).")
        var budgetPeriod: String?

        @Option(help: "Requests a minute (none: no limit).")
        var rpm: String?

        @Option(help: "Tokens a minute: input, cache writes and output (none: no limit).")
        var tpm: String?

        @Option(help: "The models it may use: patterns such as sonnet,haiku,openai/* (none: every model).")
        var models: String?

        @Option(help: "When it expires: 30d, 12h, a day (2027-01-31) or an ISO 8601 time (none: never).")
        var expires: String?

        /// The change these options ask for, read as the admin API reads its JSON.
        func change(name: String) throws -> ClientKeyChange {
            var object = JSONObject()
            object.append("name", .string(name))
            for (member, value) in [("budget_usd", budgetUSD), ("budget_period", budgetPeriod), ("rpm", rpm), ("tpm", tpm), ("models", models), ("expires", expires)] {
                guard let value else { continue }
                if member == "budget_usd", let amount = Double(value) { object.append(member, .double(amount)) } else { object.append(member, .string(value)) }
            }
            do {
                return try ClientKeyChange(json: .object(object), now: .now)
            } catch {
                throw ValidationError("--" + error.message.replacingOccurrences(of: "_", with: "-"))
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Makes a client key and prints it, once: it is kept only as a hash.")
        @Argument(help: "The key's name (a person or a service): what reports and the ledger call it.") var name: String
        @OptionGroup var limits: Limits
        @OptionGroup var sources: ConfigurationOptions

        func run() async throws {
            try await KeysCommand.withStore(sources) { store in
                let (secret, key) = try await store.createKey(named: name, try limits.change(name: name), now: .now)
                print(secret)
                FileHandle.standardError.write(Data("Made client key '\(key.name)'. Give it to its user now: it is not shown again.\n".utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists the keys: limits, spend this period, last use (never the keys).")
        @OptionGroup var sources: ConfigurationOptions

        func run() async throws {
            try await KeysCommand.withStore(sources) { store in
                let now = UTCTime.now
                let listings = try await store.keyListings(now: now)
                print(listings.isEmpty ? "No client keys yet: anthropic-proxy keys create NAME" : ClientKeyListing.table(listings, at: now))
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Changes a key's limits or expiry (running proxies take it within 2 s).")
        @Argument(help: "The key's name.") var name: String
        @OptionGroup var limits: Limits
        @OptionGroup var sources: ConfigurationOptions

        func run() async throws {
            try await KeysCommand.withStore(sources) { store in
                let key = try await store.updateKey(named: name, try limits.change(name: name))
                print("Updated client key '\(key.name)'.")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revokes a key (running proxies refuse it within 2 s).")
        @Argument(help: "The key's name.") var name: String
        @OptionGroup var sources: ConfigurationOptions

        func run() async throws {
            try await KeysCommand.withStore(sources) { store in
                _ = try await store.revokeKey(named: name, now: .now)
                print("Revoked client key '\(name)'.")
            }
        }
    }

    /// Runs `body` on the usage database, its schema up to date; a refusal (a name taken, no such
    /// key) is one line on standard error and exit status 1.
    static func withStore(_ sources: ConfigurationOptions, _ body: (any UsageStore) async throws -> Void) async throws {
        let configuration = try sources.loader().load().configuration
        let quiet = Logger(label: "keys") { _ in SwiftLogNoOpLogHandler() }
        guard let store = try await configuration.usageDatabase.openStore(environment: ProcessInfo.processInfo.environment, creating: true, logger: quiet)
        else {
            throw ValidationError("Client keys are kept in the usage database, and it is off (USAGE_DATABASE=off); set USAGE_DATABASE to use them.")
        }
        do {
            try await store.migrate()
            try await body(store)
            try await store.close()
        } catch let error as AnthropicError {
            try? await store.close()
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            throw ExitCode.failure
        } catch {
            try? await store.close()
            throw error
        }
    }
}
