import Hummingbird
import NIOCore
import ProxyCore

/// `POST /v1/messages` and `POST /v1/messages/count_tokens`: read and check the body, route the
/// model, and hand the request to the backend its provider names, retrying and falling back as the
/// attempt planner decides. What happened goes into the exchange's record.
struct MessagesEndpoint: Sendable {
    let shared: SharedServices

    func createMessage(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        try await exchange(request, context: context) { record, services in await createMessage(request, record: &record, services: services) }
    }

    func countTokens(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        try await exchange(request, context: context) { record, services in await countTokens(request, record: &record, services: services) }
    }

    /// Runs the exchange on the configuration as it is now, whatever a reload does meanwhile.
    private func exchange(
        _ request: Request, context: ProxyRequestContext, _ handle: @escaping @Sendable (inout RequestRecord, ProxyServices) async -> ExchangeOutcome
    ) async throws -> Response {
        var record = RequestRecord(id: MessageIdentifier.newRequestID(), receivedAt: .now, method: "POST", path: request.uri.path)
        record.clientKey = context.clientKeyName
        let services = shared.forRequest()
        return try await ClientWatchedExchange.run(
            connection: shared.connections.connection(of: context.channel), on: context.channel.eventLoop, record: record, redactor: services.redactor,
            prices: services.snapshot.prices,
            metrics: shared.metrics, observers: shared.observers
        ) { record in await handle(&record, services) }
    }

    private func createMessage(_ request: Request, record: inout RequestRecord, services: ProxyServices) async -> ExchangeOutcome {
        let client: ClientRequest
        let turn: ThreadTurn?
        do throws(AnthropicError) {
            (client, turn) = try await openThread(of: readBody(request, countingTokens: false, record: &record, services: services), record: &record, services: services)
        } catch {
            return .refusal(services.redactor.redact(error))
        }
        let outcome = await respond(to: client, record: &record, services: services)
        guard let turn else { return outcome }
        return await turn.close(outcome, logger: services.logger)
    }

    /// The request a threaded turn stands for, and its turn (see `MessageThreads`); the request
    /// as it came when it has no `thread`.
    private func openThread(
        of client: ClientRequest, record: inout RequestRecord, services: ProxyServices
    ) async throws(AnthropicError) -> (ClientRequest, ThreadTurn?) {
        guard let directive = try ThreadDirective(body: client.json, betas: client.headers[values: .anthropicBeta]) else { return (client, nil) }
        guard let threads = services.threads else { throw .threadsOff }
        let (whole, turn) = try await threads.open(client, directive, strings: services.writtenStrings)
        record.messageCount = whole.json["messages"]?.arrayValue?.count ?? 0
        record.toolCount = whole.json["tools"]?.arrayValue?.count ?? 0
        return (whole, turn)
    }

    /// Hands the request to the backend its route names, retrying and falling back as the
    /// attempt planner decides; a reply that declines goes on to the request's `fallbacks`.
    private func respond(to client: ClientRequest, record: inout RequestRecord, services: ProxyServices) async -> ExchangeOutcome {
        let model = record.clientModel ?? ""
        let requested: RefusalFallbacks?
        let choice: RouteChoice
        do throws(AnthropicError) {
            requested = try RefusalFallbacks(body: client.json)
            choice = try route(client, model: model, services: services)
        } catch {
            return .refusal(services.redactor.redact(error))
        }
        record.route = choice.route
        record.routeReason = choice.reason
        let (attempt, served) = await self.attempt(client, model: model, targets: choice.targets, clientKey: record.clientKey, services: services)
        record.targets += attempt.tried
        record.attempts = attempt.attempts
        guard let fallbacks = requested ?? services.configuration.refusalFallbacks, let served else { return attempt.outcome }
        // Anthropic runs the client's own chain (Claude on Vertex AI has none).
        if requested != nil, served.provider == .anthropic, served.vertex == nil { return attempt.outcome }
        let chain = fallbackChain(fallbacks, route: choice.targets, served: served)
        guard !chain.isEmpty else { return attempt.outcome }
        let clientKey = record.clientKey
        let exchange = RefusalFallbackExchange(requestedModel: model, fallbacks: chain, ask: { fallback in
            let body = RefusalFallbacks.attemptBody(client.json.objectValue ?? [:], entry: fallback.entry)
            let request = ClientRequest(
                replacing: client, with: .object(body), size: client.size, strings: services.writtenStrings, derivedFromMessages: client.derivedFromMessages)
            let targets = fallback.target.map { [$0] }
            return await self.attempt(request, model: fallback.model, targets: targets, clientKey: clientKey, services: services).attempt
        }, pingInterval: services.configuration.pingInterval, logger: services.logger)
        return await exchange.outcome(after: attempt.outcome, servedBy: AttemptedTarget(served), record: &record)
    }

    /// The fallbacks a declined reply goes on to: the client's entries, or with `"default"` the
    /// targets of the route after the one that served, each named by its upstream model.
    private func fallbackChain(_ fallbacks: RefusalFallbacks, route: [RouteTarget], served: RouteTarget) -> [RefusalFallbackExchange.Fallback] {
        switch fallbacks {
        case .entries(let entries):
            return entries.map { entry in .init(entry: entry, target: nil) }
        case .routeDefault:
            guard let position = route.firstIndex(of: served) else { return [] }
            return route[(position + 1)...].map { target in .init(entry: RefusalFallbacks.Entry(model: target.qualifiedModel), target: target) }
        }
    }

    /// One request (the client's, or a fallback's) through its targets (nil: those its model
    /// routes to), retried and failed over as the attempt planner decides: how it came out, and
    /// the target that answered.
    private func attempt(
        _ client: ClientRequest, model: String, targets given: [RouteTarget]?, clientKey: String?, services: ProxyServices
    ) async -> (attempt: RefusalFallbackExchange.Attempt, served: RouteTarget?) {
        var tried: [AttemptedTarget] = []
        var attempts = 0
        do throws(AnthropicError) {
            let targets: [RouteTarget]
            if let given { targets = given } else { targets = try route(client, model: model, services: services).targets }
            var planner = AttemptPlanner(targets: targets, policy: services.configuration.retryPolicy)
            if let clientKey { try await shared.clientKeys?.admit(clientKey, clientModel: model, target: planner.currentTarget) }
            let (outcome, served) = try await UpstreamAttempts.run(
                &planner, services: services,
                attempting: { target, number in
                    tried.append(AttemptedTarget(target))
                    attempts = number
                }
            ) { target, key async throws(UpstreamFailure) in
                (try await BackendRegistry.backend(for: target.provider).respond(to: client, target: target, key: key, services: services), target)
            }
            return (.init(outcome: outcome, tried: tried, attempts: attempts), served)
        } catch {
            let error = services.redactor.redact(error)
            // A compaction's summary written before every reply failed was billed all the same.
            let outcome = client.compactionSummary.map { summary in
                ExchangeOutcome.response(.anthropicError(error), usage: CompactionPlan.usage(Usage(), afterCompaction: summary.usage), error: error)
            }
            return (.init(outcome: outcome ?? .refusal(error), tried: tried, attempts: attempts), nil)
        }
    }

    /// Where the request goes, by its model and what it needs (see `NeedRouter`).
    private func route(_ client: ClientRequest, model: String, services: ProxyServices) throws(AnthropicError) -> RouteChoice {
        // The estimate needs the decoded request, which the translating backends reuse.
        let signals = RouteSignals(json: client.json) { (try? client.messages()).map(TokenEstimator.estimate) ?? 0 }
        return try NeedRouter(configuration: services.configuration, router: services.router, catalog: services.catalog)
            .choose(model: model, signals: signals)
    }

    private func countTokens(_ request: Request, record: inout RequestRecord, services: ProxyServices) async -> ExchangeOutcome {
        do throws(AnthropicError) {
            let client = try await readBody(request, countingTokens: true, record: &record, services: services)
            if let thread = client.json["thread"], !thread.isNull {
                throw .invalidRequest("thread: count_tokens counts the conversation as sent; send it whole, without thread.")
            }
            let target = try services.router.route(record.clientModel ?? "")
            record.targets.append(AttemptedTarget(target))
            record.attempts = 1
            do throws(UpstreamFailure) {
                return try await BackendRegistry.backend(for: target.provider).countTokens(
                    client, target: target, key: try await services.credential(for: target), services: services)
            } catch {
                throw error.clientError
            }
        } catch {
            return .refusal(services.redactor.redact(error))
        }
    }

    /// Reads the request and notes in the record what it asks for.
    private func readBody(
        _ request: Request, countingTokens: Bool, record: inout RequestRecord, services: ProxyServices
    ) async throws(AnthropicError) -> ClientRequest {
        let (body, parsed) = try await readBody(request, services: services)
        let json = parsed.value
        record.bytesIn = body.readableBytes
        record.clientModel = try Self.modelName(json)
        record.sessionID = RequestRecord.sessionID(fromUserID: json["metadata"]?["user_id"]?.stringValue)
        let client = ClientRequest(
            body: body, parsed: parsed, headers: request.headers, query: request.uri.query, countingTokens: countingTokens, clientKey: record.clientKey)
        if !countingTokens {
            record.stream = client.stream
            record.messageCount = json["messages"]?.arrayValue?.count ?? 0
            record.toolCount = json["tools"]?.arrayValue?.count ?? 0
        }
        return client
    }

    /// The body's bytes (decompressed) and what `JSONParser.parseRequest` read in them, refusing
    /// what is too large, not JSON, or looping back.
    private func readBody(_ request: Request, services: ProxyServices) async throws(AnthropicError) -> (ByteBuffer, ParsedRequest) {
        if request.headers[.proxyHop] != nil {
            throw .invalidRequest(
                "Request loop: this request came from this proxy. ANTHROPIC_BASE_URL in the proxy's environment points back at the proxy; set it to https://api.anthropic.com or unset it there (Claude Code's own ANTHROPIC_BASE_URL is separate).")
        }
        let buffer = try await RequestBodyReader.read(request, limit: services.configuration.requestBodyLimit)
        services.debugBody("client request", buffer.readableBytesView)
        let parsed = await BulkWorkExecutor.run(forBytes: buffer.readableBytes) {
            Result { () throws(JSONParseError) in
                try JSONParser.parseRequest(buffer.readableBytesView, reusing: services.requestFragments, conversations: services.conversations)
            }
        }
        do {
            return (buffer, try parsed.get())
        } catch {
            throw .invalidRequest("The request body is not valid JSON: \(error)")
        }
    }

    private static func modelName(_ json: JSONValue) throws(AnthropicError) -> String {
        guard case .object(let object) = json else { throw .invalidRequest("The request body must be a JSON object, not \(json.typeName).") }
        guard let model = object["model"], !model.isNull else { throw .invalidRequest("model: Field required") }
        guard let name = model.stringValue else { throw .invalidRequest("model: must be a string, not \(model.typeName)") }
        return name
    }
}
