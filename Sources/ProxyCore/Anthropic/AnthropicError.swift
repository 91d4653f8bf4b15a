/// An error as the client receives it: an HTTP status and Anthropic's
/// `{"type":"error","error":{"type":...,"message":...}}` body (or an `event: error` frame mid-stream).
public struct AnthropicError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Anthropic's error types; the SDKs choose their exception class by status, and log the type.
    public enum Kind: String, Sendable {
        case invalidRequest = "invalid_request_error"
        case authentication = "authentication_error"
        case permission = "permission_error"
        case notFound = "not_found_error"
        case requestTooLarge = "request_too_large"
        case rateLimit = "rate_limit_error"
        case api = "api_error"
        case timeout = "timeout_error"
        case overloaded = "overloaded_error"

        /// The status Anthropic answers with for this type.
        public var defaultStatus: Int {
            switch self {
            case .invalidRequest: 400
            case .authentication: 401
            case .permission: 403
            case .notFound: 404
            case .requestTooLarge: 413
            case .rateLimit: 429
            case .api: 500
            case .timeout: 504
            case .overloaded: 529
            }
        }
    }

    public var status: Int
    public var kind: Kind
    public var message: String
    /// Response headers that steer the client's retries (`retry-after`, `x-should-retry`).
    public var headers: [String: String]

    public init(_ kind: Kind, _ message: String, status: Int? = nil, headers: [String: String] = [:]) {
        self.kind = kind
        self.message = message
        self.status = status ?? kind.defaultStatus
        self.headers = headers
    }

    public static func invalidRequest(_ message: String) -> AnthropicError {
        AnthropicError(.invalidRequest, message)
    }

    public var description: String { "\(status) \(kind.rawValue): \(message)" }

    /// The error body, as Anthropic sends it.
    public var json: JSONValue {
        ["type": "error", "error": ["type": .string(kind.rawValue), "message": .string(message)]]
    }
}
