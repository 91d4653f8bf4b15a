/// Everything `anthropic-proxy doctor` found, in the order it prints it: one line a check and a
/// summary, or a JSON document for scripts.
package struct DoctorReport: Sendable, Equatable {
    package var checks: [DoctorCheck]

    package init(checks: [DoctorCheck]) {
        self.checks = checks
    }

    /// Whether nothing failed (warnings allowed).
    package var ok: Bool {
        !checks.contains { $0.status == .failure }
    }

    /// 1 when any check failed, else 0.
    package var exitStatus: Int32 {
        ok ? 0 : 1
    }

    /// `All 9 checks passed.`, or how many failed and warned.
    package var summary: String {
        let failures = checks.count { $0.status == .failure }
        let warnings = checks.count { $0.status == .warning }
        let warned = warnings == 1 ? "1 warning" : "\(warnings) warnings"
        guard failures > 0 else {
            return warnings == 0 ? "All \(checks.count) checks passed." : "No problem that stops the proxy; \(warned)."
        }
        return "\(failures) of \(checks.count) checks failed" + (warnings > 0 ? ", \(warned)" : "") + ": fix the ✗ lines above."
    }

    /// One line a check, then the summary.
    package var text: String {
        (checks.map(\.line) + [summary]).joined(separator: "\n")
    }

    /// `{"ok": true, "version": "...", "checks": [{"name", "status", "detail", "fix"}, ...]}`.
    package var json: JSONValue {
        let checks = checks.map { check -> JSONValue in
            [
                "name": .string(check.name), "status": .string(check.status.rawValue), "detail": .string(check.detail),
                "fix": check.fix.map { .string($0) } ?? .null,
            ]
        }
        return ["ok": .bool(ok), "version": .string(ProxyVersion.current), "checks": .array(checks)]
    }

    /// The report with every secret removed from what it says: upstreams sometimes quote the key
    /// they refused.
    package func redacted(by redactor: SecretRedactor) -> DoctorReport {
        DoctorReport(
            checks: checks.map { check in
                var check = check
                check.name = redactor.redact(check.name)
                check.detail = redactor.redact(check.detail)
                check.fix = check.fix.map(redactor.redact)
                return check
            })
    }
}
