/// An error as the client receives it: an HTTP status and Anthropic's
/// `{"type":"error","error":{"type":...,"message":...}}` body (or an `event: error` frame mid-stream).
package struct AnthropicError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Anthropic's error types; the SDKs choose their exception class by status, and log the type.
    package enum Kind: String, Sendable {
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
        package var defaultStatus: Int {
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

    package var status: Int
    package var kind: Kind
    package var message: String
    /// Response headers that steer the client's retries (`retry-after`, `x-should-retry`).
    package var headers: [String: String]
    /// `error.details`: what a client reads to recover by itself (the SDKs' thread runner reads
    /// `error_code` and drops the thread).
    package var details: JSONValue?

    package init(_ kind: Kind, _ message: String, status: Int? = nil, headers: [String: String] = [:], details: JSONValue? = nil) {
        self.kind = kind
        self.message = message
        self.status = status ?? kind.defaultStatus
        self.headers = headers
        self.details = details
    }

    package static func invalidRequest(_ message: String) -> AnthropicError {
        AnthropicError(.invalidRequest, message)
    }

    package var description: String { "\(status) \(kind.rawValue): \(message)" }

    /// The error body, as Anthropic sends it.
    package var json: JSONValue {
        var error: JSONObject = ["type": .string(kind.rawValue), "message": .string(message)]
        if let details { error["details"] = details }
        return ["type": "error", "error": .object(error)]
    }
}
