import Logging
import ProxyCore

/// The one line logged per request: what was asked, where it went, how it ended, what it cost.
struct AccessLogEntry: Sendable {
    let method: String
    let path: String
    let started = ContinuousClock.now
    var clientModel: String?
    var target: RouteTarget?
    var messageCount = 0
    var toolCount = 0
    var stream = false
    /// Which attempt served (or last failed) the request; retries and fallbacks make it more than 1.
    var attempts = 1

    init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    func write(status: Int, usage: Usage? = nil, error: String? = nil, to logger: Logger, redactor: SecretRedactor) {
        var line = "\(method) \(path)"
        if let clientModel { line += " \(clientModel)" }
        if let target {
            line += " → \(target.preset?.name ?? target.provider.rawValue)/\(target.model)"
            if let channel = target.channel { line += " via \(channel)" }
            if attempts > 1 { line += " (attempt \(attempts))" }
        }
        if messageCount > 0 { line += " \(messageCount) messages" }
        if toolCount > 0 { line += " \(toolCount) tools" }
        if stream { line += " stream" }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        line += " → \(status) in \(milliseconds) ms"
        if let usage {
            line += ", tokens in \(usage.inputTokens + usage.cacheReadInputTokens)"
            if usage.cacheReadInputTokens > 0 { line += " (cached \(usage.cacheReadInputTokens))" }
            line += " out \(usage.outputTokens)"
        }
        if let error { line += ": \(error)" }
        let level: Logger.Level = status >= 500 ? .error : status >= 400 ? .warning : .info
        logger.log(level: level, "\(redactor.redact(line))")
    }
}
