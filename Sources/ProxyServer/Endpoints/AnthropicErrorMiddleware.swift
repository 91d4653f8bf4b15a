import Hummingbird
import ProxyCore

/// Answers every failure in Anthropic's error shape: unknown routes and methods, errors thrown by
/// handlers, and anything unexpected, so that SDKs can classify every error they receive.
struct AnthropicErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AnthropicError {
            return .anthropicError(error)
        } catch let error as HTTPError {
            return .anthropicError(Self.translate(error, request: request))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("unexpected error: \(String(describing: type(of: error)))")
            return .anthropicError(AnthropicError(.api, "The proxy failed unexpectedly while handling this request."))
        }
    }

    private static func translate(_ error: HTTPError, request: Request) -> AnthropicError {
        switch error.status {
        case .notFound:
            return AnthropicError(.notFound, "No such endpoint: \(request.method) \(request.uri.path). The proxy serves POST /v1/messages, POST /v1/messages/count_tokens and GET /v1/models.")
        case .methodNotAllowed:
            return AnthropicError(.notFound, "\(request.method) is not supported on \(request.uri.path).", status: 405)
        case .contentTooLarge:
            return AnthropicError(.requestTooLarge, error.body ?? "The request body is too large.")
        default:
            let (kind, status) = UpstreamErrorMapping.kindAndStatus(forUpstreamStatus: Int(error.status.code))
            return AnthropicError(kind, error.body ?? error.status.reasonPhrase, status: status)
        }
    }
}
