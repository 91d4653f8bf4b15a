/// What `anthropic-proxy doctor` checks for a configuration, worked out before anything runs:
/// where each of Claude's names (and each route by need that is set) goes, and the upstream endpoints those
/// targets reach, each probed once however many models it serves. `report` says what the checks
/// found, in the order `doctor` prints it.
package struct DoctorPlan: Sendable {
    /// A model name clients ask for, the setting that maps it, and where the router sends it.
    package struct Route: Sendable {
        package var name: String
        package var setting: String
        package var targets: Result<[RouteTarget], AnthropicError>
    }

    package let configuration: ProxyConfiguration
    package let routes: [Route]
    /// The endpoints in use, in the order the routes first reach them.
    package let probes: [UpstreamProbe]
    /// The Google Cloud credentials Vertex AI targets use: the files settings name, nil for
    /// Application Default Credentials' order; each asked once for a token.
    package let googleCredentials: [String?]

    package init(configuration: ProxyConfiguration) {
        self.configuration = configuration
        let router = ModelRouter(configuration: configuration)
        var routes = [("opus", ConfigurationSetting.opusModel), ("sonnet", .bigModel), ("haiku", .smallModel)].map { name, setting in
            Route(name: name, setting: setting.variable, targets: Result { () throws(AnthropicError) in try router.routes(name) })
        }
        let needs: [(String, ConfigurationSetting, String?)] = [
            ("web search", .webSearchModel, configuration.webSearchModel), ("think", .thinkModel, configuration.thinkModel),
            ("long context", .longContextModel, configuration.longContextModel), ("image", .imageModel, configuration.imageModel),
        ]
        for case let (name, setting, model?) in needs {
            routes.append(Route(name: name, setting: setting.variable, targets: Result { () throws(AnthropicError) in try router.routes(configured: model) }))
        }
        self.routes = routes
        var probes: [UpstreamProbe] = []
        // Opus last: unset, it is BIG_MODEL's model, and BIG_MODEL is then the setting named first.
        for route in routes.dropFirst() + routes.prefix(1) {
            // Vertex AI lists no models the way the others do; its credentials have a line of their own.
            for target in (try? route.targets.get()) ?? [] where target.vertex == nil {
                let probe = UpstreamProbe(target: target, mappedBy: route.setting, configuration: configuration)
                if let index = probes.firstIndex(where: { $0.isSameEndpoint(as: probe) }) {
                    probes[index].merge(probe)
                } else {
                    probes.append(probe)
                }
            }
        }
        self.probes = probes
        var googleCredentials: [String?] = []
        for case .credentials(let file)? in routes.flatMap({ (try? $0.targets.get()) ?? [] }).map(\.vertex) where !googleCredentials.contains(file) {
            googleCredentials.append(file)
        }
        self.googleCredentials = googleCredentials
    }

    /// Every line: the configuration's (`configurationCheck`), the address, the port, the usage
    /// database, each endpoint's, each of Claude's names, Claude Code.
    package func report(configurationCheck: DoctorCheck, _ found: DoctorFindings) -> DoctorReport {
        var checks = [
            configurationCheck, found.addressCheck(configuration), found.port.check(configuration), found.usageDatabase.check,
        ]
        var findings: [UpstreamProbe.Findings] = []
        for (probe, answers) in zip(probes, found.upstreams) {
            let probeFindings = probe.findings(list: answers.list, properties: answers.properties, configuration: configuration)
            findings.append(probeFindings)
            checks += probeFindings.checks
        }
        for credentials in found.googleCredentials { checks.append(Self.check(credentials)) }
        for route in routes { checks.append(check(route, findings: findings)) }
        checks.append(found.claudeCode.check)
        return DoctorReport(checks: checks)
    }

    /// Whether Vertex AI's requests get an access token from the credentials.
    private static func check(_ credentials: DoctorFindings.GoogleCredentials) -> DoctorCheck {
        let name = "Google Cloud credentials (\(credentials.file ?? "Application Default Credentials"))"
        guard let problem = credentials.problem else { return DoctorCheck(.ok, name, "an access token was issued") }
        return DoctorCheck(.failure, name, problem.message)
    }

    /// Whether a name is served: ✓ when its first target passed its checks, ! when only a
    /// fallback did, ✗ when none did or the router refuses it.
    private func check(_ route: Route, findings: [UpstreamProbe.Findings]) -> DoctorCheck {
        let targets: [RouteTarget]
        switch route.targets {
        case .failure(let error): return DoctorCheck(.failure, route.name, error.message)
        case .success(let found): targets = found
        }
        let served = targets.map { target in
            let probe = UpstreamProbe(target: target, mappedBy: route.setting, configuration: configuration)
            guard let index = probes.firstIndex(where: { $0.isSameEndpoint(as: probe) }), index < findings.count else { return true }
            return !findings[index].unservableModels.contains(target.model)
        }
        let names = targets.map(\.qualifiedModel)
        let chain = names.joined(separator: ", then ")
        guard let firstServed = served.firstIndex(of: true) else {
            let failed = names.count == 1 ? "\(names[0]) failed its check above" : "\(chain) failed their checks above"
            return DoctorCheck(
                .failure, route.name, "\(failed), and nothing else serves it", fix: "Fix that, or map \(route.name) to another model with \(route.setting).")
        }
        guard firstServed == 0 else {
            return DoctorCheck(
                .warning, route.name, "\(names[0]) failed its check above; \(names[firstServed]) stands in for it",
                fix: "Fix that, or change \(route.setting).")
        }
        return DoctorCheck(.ok, route.name, "served by \(chain)")
    }
}
