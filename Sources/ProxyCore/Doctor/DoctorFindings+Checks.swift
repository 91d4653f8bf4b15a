/// The lines `doctor` prints for what it found outside the upstreams.
extension DoctorFindings {
    /// Whether the address is safe to serve: ✗ where start-up would refuse it (see `ExposureCheck`),
    /// ! where the operator allowed other machines in without any key.
    package func addressCheck(_ configuration: ProxyConfiguration) -> DoctorCheck {
        let name = "Address \(configuration.host)"
        if let problem = ExposureCheck.problem(configuration, hasClientKeys: hasClientKeys, clientKeysProblem: clientKeysProblem) {
            return DoctorCheck(.failure, name, problem)
        }
        if ExposureCheck.isLoopback(configuration.host) { return DoctorCheck(.ok, name, "answers this machine only") }
        guard configuration.proxyAPIKey != nil || hasClientKeys else {
            return DoctorCheck(
                .warning, name, "other machines can reach it with no key (ALLOW_UNAUTHENTICATED), and spend its upstream keys",
                fix: "Set PROXY_API_KEY, or make a client key with `anthropic-proxy keys create NAME`, unless the network is trusted")
        }
        return DoctorCheck(.ok, name, "other machines can reach it; they need \(configuration.proxyAPIKey != nil ? "PROXY_API_KEY" : "a client key")")
    }
}

extension DoctorFindings.Port {
    package func check(_ configuration: ProxyConfiguration) -> DoctorCheck {
        let name = "Port \(configuration.port)"
        switch self {
        case .free: return DoctorCheck(.ok, name, "free")
        case .thisProxy(let version):
            return DoctorCheck(.ok, name, "anthropic-proxy \(version ?? "(an older version)") is serving there already")
        case .unavailable(let reason):
            return DoctorCheck(.failure, name, "the proxy cannot listen on \(configuration.host):\(configuration.port) (\(reason))", fix: "Stop what holds it, or choose another with PORT or --port.")
        }
    }
}

extension DoctorFindings.UsageDatabase {
    package var check: DoctorCheck {
        let name = "Usage database"
        switch self {
        case .off: return DoctorCheck(.ok, name, "off (USAGE_DATABASE): no usage is recorded")
        case .opens(let place): return DoctorCheck(.ok, name, "\(place) opens")
        case .willBeCreated(let place): return DoctorCheck(.ok, name, "\(place) will be created when the proxy starts")
        case .fails(let place, let reason):
            return DoctorCheck(
                .failure, name, "\(place) cannot be opened (\(reason)); the proxy would run without a usage ledger", fix: "Check USAGE_DATABASE.")
        }
    }
}

extension DoctorFindings.ClaudeCode {
    package var check: DoctorCheck {
        let name = "Claude Code"
        switch self {
        case .notFound:
            return DoctorCheck(.warning, name, "not found (claude on PATH, or CLAUDE_BIN)", fix: "To run it through the proxy, \(ClaudeEnvironment.installAdvice).")
        case .runs(let path, let version): return DoctorCheck(.ok, name, "\(version) (\(path))")
        case .fails(let path, let reason): return DoctorCheck(.failure, name, "\(path) does not run (\(reason))", fix: "Check CLAUDE_BIN, or reinstall Claude Code.")
        }
    }
}
