import Hummingbird
import NIOCore
import ProxyCore

/// `POST /v1/messages` and `POST /v1/messages/count_tokens`: read and check the body, route the
/// model, and hand the request to the backend its provider names.
struct MessagesEndpoint: Sendable {
    let services: ProxyServices
    let openAIChat: OpenAIChatBackend
    let gemini: GeminiBackend
    let passthrough: AnthropicPassthroughBackend
    let openAIResponses: OpenAIResponsesBackend

    init(services: ProxyServices) {
        self.services = services
        self.openAIChat = OpenAIChatBackend(services: services)
        self.gemini = GeminiBackend(services: services)
        self.passthrough = AnthropicPassthroughBackend(services: services)
        self.openAIResponses = OpenAIResponsesBackend(services: services)
    }

    func createMessage(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        try await ClientWatchedExchange.run(connection: services.connections.connection(of: context.channel), on: context.channel.eventLoop) { await createMessage(request) }
    }

    func countTokens(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        try await ClientWatchedExchange.run(connection: services.connections.connection(of: context.channel), on: context.channel.eventLoop) { await countTokens(request) }
    }

    private func createMessage(_ request: Request) async -> ExchangeOutcome {
        var log = AccessLogEntry(method: "POST", path: request.uri.path)
        do throws(AnthropicError) {
            let (body, json) = try await readBody(request)
            let model = try Self.modelName(json)
            log.clientModel = model
            log.stream = json["stream"]?.boolValue ?? false
            log.messageCount = json["messages"]?.arrayValue?.count ?? 0
            log.toolCount = json["tools"]?.arrayValue?.count ?? 0
            var planner = AttemptPlanner(targets: try services.router.routes(model), policy: services.configuration.retryPolicy)
            /// Decoded once, by the first target that needs it (the passthrough does not).
            var messages: MessagesRequest?
            func decoded() throws(AnthropicError) -> MessagesRequest {
                if let messages { return messages }
                let decoded = try MessagesRequest(json: json)
                messages = decoded
                return decoded
            }
            while true {
                let target = planner.currentTarget
                log.target = target
                log.attempts = planner.attempts
                let key = services.keys.next(for: target)
                do throws(AnthropicError) {
                    switch target.provider {
                    case .anthropic:
                        return try await passthrough.forward(
                            body: body, path: "/v1/messages", requestedModel: model, stream: log.stream, target: target, key: key, request: request, log: log)
                    case .gemini:
                        return try await gemini.respond(to: decoded(), target: target, key: key, log: log)
                    case .openAI:
                        return try await openAIChat.respond(to: decoded(), target: target, key: key, log: log)
                    case .openAIResponses:
                        return try await openAIResponses.respond(to: decoded(), target: target, key: key, log: log)
                    }
                } catch {
                    if Task.isCancelled { throw Self.clientLeft }
                    let anotherKeyIsReady = services.keys.refused(key, of: target, with: error)
                    switch planner.next(after: error, anotherKeyIsReady: anotherKeyIsReady, random: Double.random(in: 0..<1)) {
                    case .giveUp(let error):
                        throw error
                    case .attempt(let index, let delay):
                        try await retry(after: error, from: target, to: planner.targets[index], delay: delay)
                    }
                }
            }
        } catch {
            return refusal(error, log: log)
        }
    }

    /// The error answer, logged, with any secret an upstream quoted removed.
    private func refusal(_ error: AnthropicError, log: AccessLogEntry) -> ExchangeOutcome {
        let error = services.redactor.redact(error)
        log.write(status: error.status, error: error.message, to: services.logger, redactor: services.redactor)
        return .response(.anthropicError(error))
    }

    /// Logs a failed attempt and waits before the next one; a client that leaves meanwhile ends it.
    private func retry(after error: AnthropicError, from failed: RouteTarget, to next: RouteTarget, delay: Duration) async throws(AnthropicError) {
        let milliseconds = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
        let line = "\(failed.qualifiedModel) failed (\(error.status) \(error.kind.rawValue): \(error.message)); trying \(next.qualifiedModel) in \(milliseconds) ms"
        services.logger.notice("\(services.redactor.redact(line))")
        do {
            try await LoopTimer.sleep(for: delay)
        } catch {
            throw Self.clientLeft
        }
    }

    /// What the log says of a request whose client went away before its answer (nobody reads it).
    private static let clientLeft = AnthropicError(.api, "The client went away; the upstream request was cancelled.", status: 499)

    private func countTokens(_ request: Request) async -> ExchangeOutcome {
        var log = AccessLogEntry(method: "POST", path: request.uri.path)
        do throws(AnthropicError) {
            let (body, json) = try await readBody(request)
            let model = try Self.modelName(json)
            log.clientModel = model
            let target = try services.router.route(model)
            log.target = target
            if target.provider == .anthropic {
                return try await passthrough.forward(
                    body: body, path: "/v1/messages/count_tokens", requestedModel: model, stream: false, target: target,
                    key: services.keys.next(for: target), request: request, log: log)
            }
            let messages = try MessagesRequest(json: json, countingTokens: true)
            var tokens: Int?
            if target.provider == .gemini {
                tokens = await gemini.countTokens(messages, target: target, key: services.keys.next(for: target))
            }
            let count = tokens ?? TokenEstimator.estimate(messages)
            log.write(status: 200, usage: Usage(inputTokens: count), to: services.logger, redactor: services.redactor)
            return .response(.json(["input_tokens": .int(count)]))
        } catch {
            return refusal(error, log: log)
        }
    }

    /// The body's bytes and its JSON, refusing what is too large, not JSON, or looping back.
    private func readBody(_ request: Request) async throws(AnthropicError) -> ([UInt8], JSONValue) {
        if request.headers[.proxyHop] != nil {
            throw .invalidRequest(
                "Request loop: this request came from this proxy. ANTHROPIC_BASE_URL in the proxy's environment points back at the proxy; set it to https://api.anthropic.com or unset it there (Claude Code's own ANTHROPIC_BASE_URL is separate).")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: services.configuration.requestBodyLimit)
        } catch is NIOTooManyBytesError {
            throw AnthropicError(
                .requestTooLarge, "The request body is larger than \(services.configuration.requestBodyLimit / 1024 / 1024) MB (REQUEST_BODY_LIMIT_MB).")
        } catch {
            throw .invalidRequest("The request body could not be read: \(error)")
        }
        let bytes = Array(buffer.readableBytesView)
        services.debugBody("client request", bytes)
        do {
            return (bytes, try JSONParser.parse(bytes, reusing: services.requestFragments))
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
