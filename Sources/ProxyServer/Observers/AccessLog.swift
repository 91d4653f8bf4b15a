import Logging
import ProxyCore

/// The one line logged per request: what was asked, where it went, how it ended, what it cost.
/// The record comes redacted, and the line holds nothing else a client or an upstream wrote.
struct AccessLog: RequestObserver {
    let logger: Logger

    func observe(_ record: RequestRecord) {
        let failedStream = record.errorType != nil && record.stream
        let level: Logger.Level = record.status >= 500 || failedStream ? .error : record.status >= 400 ? .warning : .info
        guard logger.logLevel <= level else { return }
        logger.log(level: level, "\(Self.line(record))")
    }

    /// `POST /v1/messages claude-sonnet-4-6 → openai/gpt-4.1 (attempt 2) [think: effort high] 3 messages 12 tools stream → 200 in 812 ms, tokens in 1200 (cached 1000) out 85, 1 web search`;
    /// a reply served by a fallback after another declined: `→ openai/gpt-4o (attempt 2) after a refusal by openai/gpt-4.1`.
    static func line(_ record: RequestRecord) -> String {
        var line = "\(record.method) \(record.path)"
        if let clientModel = record.clientModel { line += " \(clientModel)" }
        if let target = record.target {
            line += " → \(target.providerName)/\(target.model)"
            if let channel = target.channel { line += " via \(channel)" }
            if record.attempts > 1 { line += " (attempt \(record.attempts))" }
            let declined = record.declinedReplies.map { "\($0.target.providerName)/\($0.target.model)" }
            if !declined.isEmpty { line += " after a refusal by \(declined.joined(separator: ", "))" }
        }
        if let route = record.route, route.isByNeed, let reason = record.routeReason {
            line += " [\(route.rawValue): \(reason)]"
        }
        if record.messageCount > 0 { line += " \(record.messageCount) messages" }
        if record.toolCount > 0 { line += " \(record.toolCount) tools" }
        if record.stream { line += " stream" }
        let milliseconds = record.duration.components.seconds * 1000 + record.duration.components.attoseconds / 1_000_000_000_000_000
        line += " → \(record.status) in \(milliseconds) ms"
        if let usage = record.usage {
            line += ", tokens in \(usage.inputTokens + usage.cacheReadInputTokens)"
            if usage.cacheReadInputTokens > 0 { line += " (cached \(usage.cacheReadInputTokens))" }
            line += " out \(usage.outputTokens)"
        }
        if record.serverToolUses > 0 { line += ", \(record.serverToolUses) web search\(record.serverToolUses == 1 ? "" : "es")" }
        if let type = record.errorType, let message = record.errorMessage { line += ": \(type): \(message)" }
        return line
    }
}
