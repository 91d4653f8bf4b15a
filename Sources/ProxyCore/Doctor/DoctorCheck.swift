/// One finding of `anthropic-proxy doctor`: what was looked at, how it went, and what to do about it.
package struct DoctorCheck: Sendable, Equatable {
    package enum Status: String, Sendable, Equatable {
        case ok
        /// Works, but not as well as it could, or not checkable from here.
        case warning
        /// Would fail a request or start-up: `doctor` exits non-zero.
        case failure

        package var symbol: String {
            switch self {
            case .ok: "✓"
            case .warning: "!"
            case .failure: "✗"
            }
        }
    }

    /// What was looked at: `Configuration`, `openai (https://api.openai.com/v1)`, `sonnet`.
    package var name: String
    package var status: Status
    /// What was found, without a final period.
    package var detail: String
    /// What to do, as a sentence naming the setting; `nil` when there is nothing to do.
    package var fix: String?

    package init(_ status: Status, _ name: String, _ detail: String, fix: String? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    /// `✗ openai (https://api.openai.com/v1): key refused (401). Check OPENAI_API_KEY.`
    package var line: String {
        "\(status.symbol) \(name): \(detail)" + (fix.map { ". \($0)" } ?? "")
    }
}
