/// What `doctor`'s checks found outside the configuration itself: the port, the usage database
/// and its client keys, each upstream endpoint's answers, and Claude Code. The server side gathers
/// it; `DoctorPlan.report` says what it means.
package struct DoctorFindings: Sendable {
    /// Whether the proxy can listen where it is configured to.
    package enum Port: Sendable, Equatable {
        case free
        /// A proxy of this kind answers there already.
        case thisProxy(version: String?)
        /// Something else holds it, or the address cannot be listened on: why.
        case unavailable(String)
    }

    /// Where the usage ledger would be kept (each case carries its place, as messages name it).
    package enum UsageDatabase: Sendable, Equatable {
        case off
        case opens(String)
        /// An SQLite file not written yet, in a folder the proxy can make it in.
        case willBeCreated(String)
        case fails(String, reason: String)
    }

    package enum ClaudeCode: Sendable, Equatable {
        case notFound
        /// `claude --version`'s answer.
        case runs(path: String, version: String)
        case fails(path: String, reason: String)
    }

    /// The answers of one upstream probe.
    package struct UpstreamAnswers: Sendable, Equatable {
        package var list: UpstreamProbe.Answer
        /// `/props`, when the probe has a `propertiesURL`.
        package var properties: UpstreamProbe.Answer?

        package init(list: UpstreamProbe.Answer, properties: UpstreamProbe.Answer? = nil) {
            self.list = list
            self.properties = properties
        }
    }

    /// Whether an access token could be had from each of the plan's Google Cloud credentials (the
    /// error that says why not).
    package struct GoogleCredentials: Sendable, Equatable {
        /// The file a setting names; nil for Application Default Credentials' order.
        package var file: String?
        package var problem: AnthropicError?

        package init(file: String?, problem: AnthropicError?) {
            self.file = file
            self.problem = problem
        }
    }

    package var port: Port
    package var usageDatabase: UsageDatabase
    /// Whether the usage database holds a client key, and why it could not be read when it could not.
    package var hasClientKeys: Bool
    package var clientKeysProblem: String?
    /// One for each of the plan's probes, in its order.
    package var upstreams: [UpstreamAnswers]
    package var claudeCode: ClaudeCode
    /// One for each of the plan's `googleCredentials`, in its order.
    package var googleCredentials: [GoogleCredentials]

    package init(
        port: Port, usageDatabase: UsageDatabase, hasClientKeys: Bool = false, clientKeysProblem: String? = nil, upstreams: [UpstreamAnswers],
        claudeCode: ClaudeCode, googleCredentials: [GoogleCredentials] = []
    ) {
        self.port = port
        self.usageDatabase = usageDatabase
        self.hasClientKeys = hasClientKeys
        self.clientKeysProblem = clientKeysProblem
        self.upstreams = upstreams
        self.claudeCode = claudeCode
        self.googleCredentials = googleCredentials
    }
}
