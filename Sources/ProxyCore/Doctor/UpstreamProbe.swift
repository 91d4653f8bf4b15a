/// One upstream endpoint in use (a provider's URL and key, or a channel's), as `doctor` looks at
/// it: one `GET` of its model list says whether the URL answers, whether the key is accepted, and
/// whether the models mapped to it are there; self-hosted servers also say their context windows.
package struct UpstreamProbe: Sendable, Equatable {
    /// A model the configuration sends here, and the settings that map it.
    package struct MappedModel: Sendable, Equatable {
        /// As the upstream knows it (`gpt-4.1`).
        package var name: String
        /// As the proxy's messages name it (`openai/gpt-4.1`).
        package var qualifiedName: String
        /// `BIG_MODEL`, `OPUS_MODEL`, ...
        package var settings: [String]
        /// The ready-made provider serving it, whose output ceiling the catalog falls back on.
        package var preset: ProviderPreset?
    }

    /// What a `GET` came to.
    package enum Answer: Sendable, Equatable {
        case answered(status: Int, body: [UInt8])
        /// No connection, or none that answered: why (`connection refused`).
        case unreachable(String)
        /// No answer within the check's time.
        case timedOut(Duration)
    }

    /// What the probe's answers mean: its lines, and the mapped models it cannot serve.
    package struct Findings: Sendable, Equatable {
        package var checks: [DoctorCheck]
        /// Upstream names; every mapped model when the endpoint itself failed.
        package var unservableModels: Set<String>
    }

    /// `openai (https://api.openai.com/v1)`, `channel work (http://10.0.0.5:8000/v1)`.
    package var label: String
    package var provider: Provider
    /// The model list's URL.
    package var listURL: String
    /// The key's header (never shown) and the protocol's own (`anthropic-version`).
    package var headers: [String: String]
    /// llama.cpp's `/props`, which says the context window the server was started with; asked of
    /// self-hosted OpenAI-compatible servers only.
    package var propertiesURL: String?
    /// The setting that says where the endpoint is (`OPENAI_BASE_URL`).
    package var baseURLSetting: String
    /// The setting its keys come from.
    package var keyVariable: String
    package var hasKey: Bool
    /// Azure lists its base models, not the deployments requests name: those are not checked.
    package var listsRequestedNames: Bool
    package var models: [MappedModel]

    /// Anthropic's API wants its version on every request; this one has the model list.
    static let anthropicVersion = "2023-06-01"

    /// The probe of the endpoint `target` goes to, with `target`'s model mapped by `setting`.
    init(target: RouteTarget, mappedBy setting: String, configuration: ProxyConfiguration) {
        let name = target.channel.map { "channel \($0)" } ?? target.preset?.name ?? target.provider.rawValue
        label = "\(name) (\(target.baseURL.maskingURLPassword))"
        provider = target.provider == .openAIResponses ? .openAI : target.provider
        listURL = target.modelsURL
        headers = Self.headers(for: target)
        if let channel = target.channel {
            baseURLSetting = ConfigurationSetting.channel(channel, .baseURL).variable
        } else if let preset = target.preset {
            baseURLSetting = preset.baseURLVariable
        } else {
            switch target.provider {
            case .openAI, .openAIResponses:
                baseURLSetting = (target.baseURL == configuration.baseURL ? ConfigurationSetting.baseURL : .openAIBaseURL).variable
            case .gemini: baseURLSetting = ConfigurationSetting.geminiBaseURL.variable
            case .anthropic: baseURLSetting = ConfigurationSetting.anthropicBaseURL.variable
            }
        }
        let selfHosted = target.preset.map { !$0.requiresKey } ?? (target.channel != nil || target.baseURL == configuration.baseURL)
        if provider == .openAI, selfHosted {
            let root = target.baseURL.hasSuffix("/v1") ? String(target.baseURL.dropLast(3)) : target.baseURL
            propertiesURL = root + "/props"
        }
        keyVariable = target.keyVariable
        hasKey = !target.apiKeys.isEmpty
        listsRequestedNames = target.preset?.addressing != .azureDeployments
        models = [MappedModel(name: target.model, qualifiedName: target.qualifiedModel, settings: [setting], preset: target.preset)]
    }

    /// Whether `other` asks the same endpoint the same way (the same list, the same key).
    func isSameEndpoint(as other: UpstreamProbe) -> Bool {
        listURL == other.listURL && headers == other.headers
    }

    /// Adds the models of `other`, a probe of the same endpoint.
    mutating func merge(_ other: UpstreamProbe) {
        for model in other.models {
            if let index = models.firstIndex(where: { $0.name == model.name }) {
                models[index].settings += model.settings.filter { !models[index].settings.contains($0) }
            } else {
                models.append(model)
            }
        }
    }

    /// The first key, in the header the provider takes it in; none for an endpoint without keys.
    private static func headers(for target: RouteTarget) -> [String: String] {
        var headers: [String: String] = [:]
        if target.provider == .anthropic { headers["anthropic-version"] = anthropicVersion }
        guard let key = target.apiKeys.first else { return headers }
        switch target.provider {
        case .openAI, .openAIResponses:
            let header = target.keyHeader(key)
            headers[header.name] = header.value
        case .gemini: headers[GeminiAdapter.keyHeaderName] = key
        case .anthropic: headers["x-api-key"] = key
        }
        return headers
    }

    // MARK: - What the answers mean

    /// - Parameters:
    ///   - list: what the model list's URL answered.
    ///   - properties: what `propertiesURL` answered, when asked.
    ///   - configuration: for the context windows the catalog and `MODEL_CONTEXT_WINDOWS` know.
    package func findings(list: Answer, properties: Answer? = nil, configuration: ProxyConfiguration) -> Findings {
        let everything = Set(models.map(\.name))
        switch list {
        case .unreachable(let reason):
            return Findings(
                checks: [DoctorCheck(.failure, label, "does not answer (\(reason))", fix: "Is the server running? Check \(baseURLSetting).")],
                unservableModels: everything)
        case .timedOut(let limit):
            return Findings(
                checks: [DoctorCheck(.failure, label, "does not answer within \(limit.spoken)", fix: "Is the server up and \(baseURLSetting) right?")],
                unservableModels: everything)
        case .answered(let status, let body):
            if let refusal = keyRefusal(status: status, body: body) {
                return Findings(checks: [refusal], unservableModels: refusal.status == .failure ? everything : [])
            }
            guard (200..<300).contains(status) else {
                // Not found, not allowed, not implemented: a server without a model list.
                if [404, 405, 501].contains(status) {
                    return Findings(
                        checks: [
                            DoctorCheck(.warning, label, "answers, but cannot list models (\(status)), so the key and the models are checked on the first request")
                        ],
                        unservableModels: [])
                }
                let said = UpstreamErrorMapping.upstreamMessage(body)
                return Findings(
                    checks: [DoctorCheck(.failure, label, "answered \(status) to its model list: \(Self.shortened(said))", fix: "Check \(baseURLSetting).")],
                    unservableModels: everything)
            }
            guard let listed = Self.listedModels(body, provider: provider) else {
                return Findings(
                    checks: [DoctorCheck(.warning, label, "answers, but not with a list of models", fix: "Check that \(baseURLSetting) is the API's root.")],
                    unservableModels: [])
            }
            return listFindings(listed, properties: properties, configuration: configuration)
        }
    }

    /// The check for a key the upstream refused (401, 403, Gemini's 400 `API_KEY_INVALID`), or for
    /// one it needs and was not given; `nil` for any other answer.
    private func keyRefusal(status: Int, body: [UInt8]) -> DoctorCheck? {
        let invalidGeminiKey = provider == .gemini && status == 400 && String(decoding: body, as: UTF8.self).contains("API_KEY_INVALID")
        guard status == 401 || status == 403 || invalidGeminiKey else { return nil }
        guard hasKey else {
            if provider == .anthropic {
                return DoctorCheck(
                    .warning, label, "answers; with no key of the proxy's own, each request carries its client's Anthropic key",
                    fix: "Set \(keyVariable) to use one key for everyone")
            }
            return DoctorCheck(.failure, label, "needs a key (\(status))", fix: "Set \(keyVariable).")
        }
        return DoctorCheck(.failure, label, "key refused (\(status): \(Self.shortened(UpstreamErrorMapping.upstreamMessage(body))))", fix: "Check \(keyVariable).")
    }

    /// The lines for a model list that arrived: the endpoint's, one for each mapped model it lacks,
    /// and one for each context window the server tells that the proxy does not know as such.
    private func listFindings(_ listed: [String: JSONValue], properties: Answer?, configuration: ProxyConfiguration) -> Findings {
        let keyPart = hasKey ? "key accepted" : "no key needed"
        guard listsRequestedNames else {
            let check = DoctorCheck(.ok, label, "answers, \(keyPart) (deployment names are not listed: they are checked on the first request)")
            return Findings(checks: [check], unservableModels: [])
        }
        var missing: [MappedModel] = []
        var present: [(model: MappedModel, entry: JSONValue)] = []
        for model in models {
            let name = Self.listedName(model.name)
            if let entry = listed[name] ?? listed[name + ":latest"] {
                present.append((model, entry))
            } else {
                missing.append(model)
            }
        }
        let count = listed.count == 1 ? "1 model" : "\(listed.count) models"
        let servedNames = present.map(\.model.name).joined(separator: ", ")
        var checks = [DoctorCheck(.ok, label, "answers, \(keyPart), lists \(count)" + (present.isEmpty ? "" : " with \(servedNames)"))]
        for model in missing {
            let close = Self.closeNames(to: Self.listedName(model.name), in: listed.keys)
            let hint = close.isEmpty ? "" : "; close: \(close.joined(separator: ", "))"
            checks.append(
                DoctorCheck(
                    .failure, label, "no model '\(model.name)' among its \(count) (\(model.settings.joined(separator: ", ")))\(hint)",
                    fix: "Check \(model.settings[0])."))
        }
        let serverWindow = properties.flatMap(Self.propertiesContextWindow)
        for (model, entry) in present {
            if let window = Self.contextWindow(in: entry) ?? serverWindow, let check = Self.contextWindowCheck(model, serverWindow: window, configuration: configuration) {
                checks.append(check)
            }
        }
        return Findings(checks: checks, unservableModels: Set(missing.map(\.name)))
    }

    /// The models a list names, by id, each with its entry: OpenAI's and Anthropic's `data[].id`,
    /// Gemini's `models[].name` without `models/`; `nil` for a body that is no such list.
    static func listedModels(_ body: [UInt8], provider: Provider) -> [String: JSONValue]? {
        guard let json = try? JSONParser.parse(body) else { return nil }
        let entries = provider == .gemini ? json["models"]?.arrayValue : json["data"]?.arrayValue
        guard let entries else { return nil }
        var listed: [String: JSONValue] = [:]
        for entry in entries {
            guard let id = (provider == .gemini ? entry["name"] : entry["id"])?.stringValue else { continue }
            listed[listedName(id)] = entry
        }
        return listed
    }

    /// A name as lists hold it: Gemini's without its `models/` collection.
    private static func listedName(_ name: String) -> String {
        name.hasPrefix("models/") ? String(name.dropFirst("models/".count)) : name
    }

    /// Up to three listed names nearest to `name` by edit distance, among those near enough to be
    /// what was meant.
    static func closeNames(to name: String, in listed: some Sequence<String>) -> [String] {
        let wanted = Array(name.lowercased())
        let ranked = listed.map { (name: $0, distance: editDistance(wanted, Array($0.lowercased()))) }
            .filter { $0.distance <= max(3, wanted.count / 2) }
            .sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
        return ranked.prefix(3).map(\.name)
    }

    /// Levenshtein's distance: insertions, deletions and substitutions.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// An upstream's message, cut to fit a line.
    private static func shortened(_ text: String) -> String {
        text.count > 160 ? String(text.prefix(160)) + "…" : text
    }
}
