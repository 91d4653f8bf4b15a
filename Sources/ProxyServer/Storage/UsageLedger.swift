import Logging
import ProxyCore
import ServiceLifecycle
import Synchronization

/// Writes every Messages exchange's record to the usage database (`count_tokens` is free and
/// spends nothing), in batches off the request path.
///
/// `observe` only appends to a buffer; the service writes the buffer once a second (so a crash or
/// a kill loses at most the last second), and once more when it stops. A database that is slow,
/// down or full never fails a request: a batch that cannot be written is dropped and counted, and
/// the log says so at most once a minute. A database that is down when the proxy starts has its
/// schema brought up to date when it is first reached. A buffer that outgrows `capacity` (a database that has
/// been down for long) drops what does not fit, the same way.
package final class UsageLedger: RequestObserver, Service {
    private struct State {
        /// Records, not rows: making a row (formatting its time, copying its fields) is the
        /// writer's work, not the request's.
        var pending: [RequestRecord] = []
        var droppedSinceLastReport = 0
        var lastReport: ContinuousClock.Instant?
        var lastRetention: ContinuousClock.Instant?
        /// Whether the database's schema is known to be up to date.
        var migrated = false
        var writtenThrough: ContinuousClock.Instant?
    }

    package let store: any UsageStore
    private let retentionDays: Int
    private let capacity: Int
    private let logger: Logger
    private let onDropped: @Sendable (Int) -> Void
    private let state = Mutex(State())
    /// One write at a time: the periodic flush, a report's, retention's deletes.
    private let flushing = FlushGate()

    /// - Parameters:
    ///   - onDropped: told of every record that could not be written (the metrics count them).
    package init(
        store: any UsageStore, retentionDays: Int, capacity: Int = 100_000, logger: Logger, onDropped: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.store = store
        self.retentionDays = retentionDays
        self.capacity = capacity
        self.logger = logger
        self.onDropped = onDropped
    }

    /// Every record observed before this instant has been written (or dropped): the database's
    /// figures hold what this instance's requests spent until then.
    package var writtenThrough: ContinuousClock.Instant? {
        state.withLock { $0.writtenThrough }
    }

    package func observe(_ record: RequestRecord) {
        // Counting tokens costs nothing, and its record's usage is the count, not tokens spent.
        guard !record.path.hasSuffix("/count_tokens") else { return }
        let kept = state.withLock { state in
            guard state.pending.count < capacity else { return false }
            state.pending.append(record)
            return true
        }
        if !kept { dropped(1, because: "the usage database has fallen behind by \(capacity) records") }
    }

    package func run() async throws {
        await prepare()
        await applyRetention()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            await flush()
            if state.withLock({ $0.lastRetention.map { ContinuousClock.now - $0 > .seconds(3600) } ?? true }) { await applyRetention() }
        }
        await flush()
        try? await store.close()
    }

    /// Brings the database's schema up to date, or says why it cannot yet (then each write tries
    /// again): before anything reads the database (the client keys) or writes to it.
    package func prepare() async {
        do {
            try await migrateOnce()
        } catch {
            logger.error("usage ledger: the usage database cannot be used yet (\(error)); request records are dropped until it can")
        }
    }

    /// Writes what the buffer holds now.
    package func flush() async {
        await flushing.run {
            let (records, takenAt) = state.withLock { state in
                defer { state.pending = [] }
                return (state.pending, ContinuousClock.now)
            }
            defer { state.withLock { $0.writtenThrough = takenAt } }
            guard !records.isEmpty else { return }
            let rows = records.map(LedgerRow.init)
            do {
                try await migrateOnce()
                try await store.insert(rows)
            } catch {
                dropped(rows.count, because: "the usage database refused them (\(error))")
            }
        }
    }

    /// Deletes per-request rows older than the retention; the daily roll-ups stay. Between
    /// flushes: the database is used by one writer at a time.
    private func applyRetention() async {
        state.withLock { $0.lastRetention = .now }
        let cutoff = UTCTime.now.millisecondsSince1970 - Int64(retentionDays) * UTCTime.millisecondsPerDay
        await flushing.run {
            do {
                try await migrateOnce()
                try await store.deleteRequests(startedBefore: UTCTime(millisecondsSince1970: cutoff).iso8601)
            } catch {
                logger.warning("usage ledger: old request rows could not be deleted: \(error)")
            }
        }
    }

    /// Brings the schema up to date, unless that was done already.
    private func migrateOnce() async throws {
        guard !state.withLock({ $0.migrated }) else { return }
        try await store.migrate()
        state.withLock { $0.migrated = true }
    }

    private func dropped(_ count: Int, because reason: String) {
        onDropped(count)
        let report: Int? = state.withLock { state in
            state.droppedSinceLastReport += count
            if let last = state.lastReport, ContinuousClock.now - last < .seconds(60) { return nil }
            state.lastReport = .now
            defer { state.droppedSinceLastReport = 0 }
            return state.droppedSinceLastReport
        }
        if let report { logger.error("usage ledger: \(report) request records dropped: \(reason)") }
    }
}

/// Lets one async operation run at a time; the others wait their turn.
private actor FlushGate {
    private var running = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run(_ body: @Sendable () async -> Void) async {
        if running { await withCheckedContinuation { waiting.append($0) } }
        running = true
        await body()
        if waiting.isEmpty { running = false } else { waiting.removeFirst().resume() }
    }
}
