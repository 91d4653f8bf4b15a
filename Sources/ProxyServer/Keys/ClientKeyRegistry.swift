import Logging
import ProxyCore
import ServiceLifecycle
import Synchronization

/// The client keys of the usage database, held in memory and read again every `refreshInterval`
/// (a key made, changed or revoked by `anthropic-proxy keys`, the admin API or another instance
/// takes effect here within that time), with each key's spend this period and its last minute.
///
/// Spend is the database's figure (every instance's requests, as the ledgers wrote them) plus this
/// instance's requests that finished since its ledger last wrote. When the database cannot be
/// read, the keys already known go on within their last known spend; a key not known yet cannot
/// be checked (503).
package final class ClientKeyRegistry: RequestObserver, Service {
    /// What a presented key turned out to be.
    package enum Identity: Sendable, Equatable {
        /// One of this proxy's client keys, by name.
        case key(String)
        /// Not shaped as a client key (it may be `PROXY_API_KEY`).
        case notAClientKey
    }

    private struct Unrecorded {
        let finishedAt: ContinuousClock.Instant
        let name: String
        let costUSD: Double
    }

    private struct State {
        var accounts: [String: ClientKeyAccount] = [:]
        var namesByLookupID: [String: String] = [:]
        var unrecorded: [Unrecorded] = []
        /// Whether the database has been read once.
        var loaded = false
        var lastProblem: String?
    }

    package let store: any UsageStore
    private let ledger: UsageLedger?
    private let refreshInterval: Duration
    private let now: @Sendable () -> UTCTime
    private let logger: Logger
    private let state = Mutex(State())

    /// - Parameters:
    ///   - ledger: the ledger writing this instance's records, whose progress tells which spend
    ///     the database already holds.
    ///   - now: the clock (tests pass their own).
    package init(
        store: any UsageStore, ledger: UsageLedger?, refreshInterval: Duration = .seconds(2), logger: Logger,
        now: @escaping @Sendable () -> UTCTime = { .now }
    ) {
        self.store = store
        self.ledger = ledger
        self.refreshInterval = refreshInterval
        self.logger = logger
        self.now = now
    }

    /// Why the keys could not be read the last time, when they could not.
    package var readProblem: String? {
        state.withLock { $0.lastProblem }
    }

    /// Whether any key has been made: then every API request needs a key.
    package var hasKeys: Bool {
        state.withLock { !$0.accounts.isEmpty }
    }

    /// Which key `presented` is, or why it cannot be used: unknown, revoked or expired (401); not
    /// checkable while the database cannot be read (503).
    package func identify(_ presented: String) throws(AnthropicError) -> Identity {
        guard let lookupID = ClientKey.lookupID(of: presented) else { return .notAClientKey }
        let time = now()
        let (account, loaded, problem) = state.withLock { state in
            (state.namesByLookupID[lookupID].flatMap { state.accounts[$0] }, state.loaded, state.lastProblem)
        }
        guard let account, ClientKeyMint.matches(presented, account.key) else {
            if !loaded || problem != nil {
                throw AnthropicError(
                    .overloaded, "This client key cannot be checked now: the usage database cannot be read (\(problem ?? "not read yet")).",
                    status: 503)
            }
            throw AnthropicError(.authentication, "This client key is not one of this proxy's keys; ask the proxy's admin for one (anthropic-proxy keys create).")
        }
        if let reason = account.key.unusable(at: time) {
            throw AnthropicError(.authentication, "The client key '\(account.key.name)' \(reason); ask the proxy's admin for a new one.")
        }
        return .key(account.key.name)
    }

    /// Lets a request of key `name` start, or says why not (see `ClientKeyAccount.admit`). With
    /// a database every instance shares, its rate limits count there; when that database cannot
    /// answer, in this instance's memory.
    package func admit(_ name: String, clientModel: String, target: RouteTarget) async throws(AnthropicError) {
        let time = now()
        let shared = store as? any SharedKeyWindows
        let key = try state.withLock { state throws(AnthropicError) -> ClientKey? in
            guard var account = state.accounts[name] else { return nil }
            try account.checkAccess(clientModel: clientModel, target: target, now: time)
            try ClientKeyAccount.checkRates(of: account.key, requests: account.requests, tokens: account.tokens, now: time)
            account.requests.add(1, at: time)
            state.accounts[name] = account
            return account.key
        }
        guard let key, let shared, key.limits.requestsPerMinute != nil || key.limits.tokensPerMinute != nil else { return }
        let limits = key.limits
        let counted: Bool
        do {
            counted = try await shared.admitToKeyWindow(
                name, at: time, requestsPerMinute: limits.requestsPerMinute, tokensPerMinute: limits.tokensPerMinute)
        } catch {
            return
        }
        if counted { return }
        state.withLock { $0.accounts[name]?.requests.add(-1, at: time) }
        let windows = try? await shared.keyWindows(name, at: time)
        try ClientKeyAccount.checkRates(of: key, requests: windows?.requests ?? RateWindow(), tokens: windows?.tokens ?? RateWindow(), now: time)
        // The window emptied meanwhile: it was full a moment ago.
        throw AnthropicError(.rateLimit, "The client key '\(name)' has reached its limit a minute; retry in 1 s.", headers: ["retry-after": "1"])
    }

    package func observe(_ record: RequestRecord) {
        guard let name = record.clientKey, !record.path.hasSuffix("/count_tokens") else { return }
        let time = now()
        let usage = record.usage ?? Usage()
        let limitsTokens = state.withLock { state in
            state.accounts[name]?.finished(usage: usage, costUSD: record.costUSD, at: time)
            if let cost = record.costUSD, cost > 0 { state.unrecorded.append(Unrecorded(finishedAt: .now, name: name, costUSD: cost)) }
            return state.accounts[name]?.key.limits.tokensPerMinute != nil
        }
        let tokens = ClientKeyAccount.rateTokens(usage)
        if limitsTokens, tokens > 0, let shared = store as? any SharedKeyWindows {
            Task { try? await shared.addKeyTokens(name, tokens, at: time) }
        }
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await refresh()
            try? await Task.sleep(for: refreshInterval)
        }
    }

    /// Reads the keys and their spend again.
    package func refresh() async {
        // Read before the database: whatever the ledger had written by then, the figure holds.
        let written = ledger?.writtenThrough
        let time = now()
        if let shared = store as? any SharedKeyWindows {
            try? await shared.forgetKeyWindows(before: UTCTime(millisecondsSince1970: time.millisecondsSince1970 - 120_000))
        }
        do {
            let keys = try await store.keys()
            let spend = try await store.spend(of: keys, at: time)
            state.withLock { state in
                if let written { state.unrecorded.removeAll { $0.finishedAt <= written } }
                var unrecordedSpend: [String: Double] = [:]
                for entry in state.unrecorded { unrecordedSpend[entry.name, default: 0] += entry.costUSD }
                var accounts: [String: ClientKeyAccount] = [:]
                for key in keys {
                    var account = state.accounts[key.name] ?? ClientKeyAccount(key: key)
                    account.key = key
                    account.recordedSpendUSD = spend[key.name] ?? 0
                    account.unrecordedSpendUSD = unrecordedSpend[key.name] ?? 0
                    accounts[key.name] = account
                }
                state.accounts = accounts
                state.namesByLookupID = Dictionary(keys.map { ($0.lookupID, $0.name) }) { first, _ in first }
                state.loaded = true
                if state.lastProblem != nil { logger.notice("client keys: the usage database answers again") }
                state.lastProblem = nil
            }
        } catch {
            let first = state.withLock { state in
                defer { state.lastProblem = "\(error)" }
                return state.lastProblem == nil
            }
            if first {
                logger.error("client keys: the usage database cannot be read (\(error)); known keys go on within their last known spend, new keys get 503")
            }
        }
    }
}
