import Foundation
import Logging
import ProxyCore
import ServiceLifecycle
import UnixSignals

/// Loads the configuration again when its files change (checked every `pollInterval`) or the
/// process gets SIGHUP, and hands the result to `apply` whole, or not at all.
///
/// A configuration that does not load (a file that does not parse, a value that does not
/// validate) changes nothing: one log line names the file, the key and the problem. A changed
/// setting that needs a restart (host, port, ...) is logged as such, and the configuration given
/// to `apply` keeps its running value. The log names what changed, never a value.
package actor ConfigurationReloader: Service {
    /// Takes a reloaded configuration and the keys of the settings whose values changed.
    package typealias Apply = @Sendable (_ configuration: LoadedConfiguration, _ changedSettings: [String]) async -> Void

    private let loader: ConfigurationLoader
    private var running: LoadedConfiguration
    /// The watched files' contents when last loaded (`nil`: absent).
    private var lastSeen: [String: Data?]
    private let pollInterval: Duration
    private let hangups: any AsyncSequence<UnixSignal, Never> & Sendable
    private let logger: Logger
    private let apply: Apply

    /// - Parameters:
    ///   - running: what `loader` loaded at start-up; reloads read the same file, or look for one
    ///     again when there was none.
    ///   - hangups: what stands for SIGHUP. By default the signal itself, listened for before this
    ///     returns, so that from then on SIGHUP no longer ends the process.
    package init(
        loader: ConfigurationLoader, running: LoadedConfiguration, pollInterval: Duration = .seconds(1),
        hangups: (any AsyncSequence<UnixSignal, Never> & Sendable)? = nil, logger: Logger, apply: @escaping Apply
    ) async {
        var loader = loader
        if let filePath = running.filePath { loader.configFile = filePath }
        self.loader = loader
        self.running = running
        self.lastSeen = Self.contents(of: running.watchedFiles)
        self.pollInterval = pollInterval
        if let hangups {
            self.hangups = hangups
        } else {
            self.hangups = await UnixSignalsSequence(trapping: .sighup)
        }
        self.logger = logger
        self.apply = apply
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.pollUntilCancelled() }
                group.addTask {
                    for await _ in self.hangups { await self.reload() }
                }
            }
        }
    }

    private func pollUntilCancelled() async {
        while (try? await Task.sleep(for: pollInterval)) != nil {
            await checkNow()
        }
    }

    /// Loads again if a watched file changed since the last load: what every poll does.
    package func checkNow() async {
        guard Self.contents(of: running.watchedFiles) != lastSeen else { return }
        await reload()
    }

    /// Loads again whether or not the files changed, as on SIGHUP.
    package func reload() async {
        lastSeen = Self.contents(of: running.watchedFiles)
        let next: LoadedConfiguration
        let changed: [ConfigurationSetting]
        do {
            let loaded = try loader.load()
            changed = loaded.changedSettings(since: running)
            next = try loaded.keepingRestartOnlySettings(of: running)
        } catch {
            logger.error("The configuration was not reloaded, the running one stays: \(error)")
            return
        }
        let needRestart = changed.filter(\.needsRestart).map(\.key)
        let applied = changed.filter { !$0.needsRestart }.map(\.key)
        if !needRestart.isEmpty {
            logger.warning("\(needRestart.joined(separator: ", ")) changed, which needs a restart to take effect; the running value stays until then")
        }
        guard !applied.isEmpty else {
            if needRestart.isEmpty { logger.info("The configuration was reread: nothing changed") }
            return
        }
        running = next
        logger.info("The configuration was reloaded: \(applied.joined(separator: ", ")) changed")
        await apply(next, applied)
    }

    private static func contents(of files: [String]) -> [String: Data?] {
        Dictionary(uniqueKeysWithValues: files.map { ($0, FileManager.default.contents(atPath: $0)) })
    }
}
