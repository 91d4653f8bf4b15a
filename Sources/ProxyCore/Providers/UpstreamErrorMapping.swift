/// Turns an upstream's HTTP error into the Anthropic error the client receives: the status decides
/// the SDK's exception class and whether it retries, the message names the upstream and says what
/// it said.
package enum UpstreamErrorMapping {
    /// Anthropic's error type and status for an upstream status.
    package static func kindAndStatus(forUpstreamStatus status: Int) -> (AnthropicError.Kind, Int) {
        switch status {
        case 400, 422: (.invalidRequest, 400)
        case 401: (.authentication, 401)
        case 403: (.permission, 403)
        case 404: (.notFound, 404)
        case 408, 504: (.timeout, 504)
        case 413: (.requestTooLarge, 413)
        case 429: (.rateLimit, 429)
        case 503, 529: (.overloaded, 529)
        case 402, 405...499: (.invalidRequest, 400)
        default: (.api, status >= 500 && status <= 599 ? status : 500)
        }
    }

    /// - Parameters:
    ///   - body: the upstream's error body; its message is found in the usual places
    ///     (`error.message`, `error` as a string, `message`, `detail`) or, for a body that is not
    ///     JSON (an HTML error page), its text is quoted briefly.
    ///   - headers: upstream response headers; `retry-after` (as whole seconds) and
    ///     `x-should-retry` are passed on.
    ///   - keyVariable: the setting that held the key, named when the upstream rejects it.
    ///   - prompt: the prompt's local token estimate and the model's context window, for restating a
    ///     context overflow in the form Claude Code compacts on (see `ContextOverflow`).
    package static func error(
        status: Int, provider: Provider, model: String, body: [UInt8], headers: [String: String], keyVariable: String?,
        prompt: (estimatedTokens: Int, contextWindow: Int?)? = nil
    ) -> AnthropicError {
        let upstreamText = upstreamMessage(body)
        if let prompt, (400..<500).contains(status), status != 429,
            let figures = ContextOverflow.figures(message: upstreamText, body: try? JSONParser.parse(body))
        {
            return ContextOverflow.error(figures, estimatedTokens: prompt.estimatedTokens, contextWindow: prompt.contextWindow)
        }
        let (kind, clientStatus) = kindAndStatus(forUpstreamStatus: status)
        var message = "\(provider.displayName) upstream (model '\(model)') answered HTTP \(status): \(upstreamText)"
        if status == 401 || status == 403, let keyVariable {
            message += " Check \(keyVariable)."
        }
        var clientHeaders: [String: String] = [:]
        if let retryAfter = headers["retry-after"].flatMap({ wholeSeconds($0, unit: 1) }) ?? headers["retry-after-ms"].flatMap({ wholeSeconds($0, unit: 1000) }) {
            clientHeaders["retry-after"] = String(retryAfter)
        }
        if let shouldRetry = headers["x-should-retry"] { clientHeaders["x-should-retry"] = shouldRetry }
        return AnthropicError(kind, message, status: clientStatus, headers: clientHeaders)
    }

    /// `error(...)` as a failure of the attempt, with the upstream's retry advice.
    package static func failure(
        status: Int, provider: Provider, model: String, body: [UInt8], headers: [String: String], keyVariable: String?,
        prompt: (estimatedTokens: Int, contextWindow: Int?)? = nil
    ) -> UpstreamFailure {
        let clientError = error(status: status, provider: provider, model: model, body: body, headers: headers, keyVariable: keyVariable, prompt: prompt)
        return UpstreamFailure(status: status, upstreamHeaders: headers, clientError: clientError)
    }

    /// `failure(...)` for a request to `target`.
    package static func failure(
        status: Int, target: RouteTarget, body: [UInt8], headers: [String: String], prompt: (estimatedTokens: Int, contextWindow: Int?)
    ) -> UpstreamFailure {
        failure(status: status, provider: target.provider, model: target.model, body: body, headers: headers, keyVariable: target.keyVariable, prompt: prompt)
    }

    /// The human part of an error body.
    package static func upstreamMessage(_ body: [UInt8]) -> String {
        if let json = try? JSONParser.parse(body) {
            let candidates = [json["error"]?["message"], json["error"], json["message"], json["detail"], json[0]?["error"]?["message"]]
            for case .string(let text)? in candidates where !text.isEmpty { return text }
            return JSONWriter.string(json)
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingWhitespace()
        if text.isEmpty { return "(empty body)" }
        let lowered = text.lowercased()
        if lowered.hasPrefix("<!doctype html") || lowered.hasPrefix("<html") {
            // A proxy's or a server's error page: its title says it; its markup would only fill the line.
            let page = String(decoding: body.prefix(4096), as: UTF8.self)
            if let open = page.range(of: "<title>", options: .caseInsensitive), let close = page.range(of: "</title>", options: .caseInsensitive),
                open.upperBound <= close.lowerBound
            {
                let title = Self.oneLine(String(page[open.upperBound..<close.lowerBound]))
                if !title.isEmpty { return "an HTML page titled '\(title.count > 120 ? String(title.prefix(120)) + "…" : title)'" }
            }
            let words = Self.oneLine(page.replacing(#/<[^>]*>/#, with: " "))
            return words.isEmpty ? "an HTML page" : "an HTML page: \(words.count > 120 ? String(words.prefix(120)) + "…" : words)"
        }
        let line = Self.oneLine(text)
        return "a non-JSON body: \(line.count > 200 ? String(line.prefix(200)) + "…" : line)"
    }

    /// The text with every run of whitespace (line breaks included) made one space.
    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A retry delay in whole seconds, rounded up; `nil` for anything that is not a finite,
    /// non-negative number (an upstream's header must never be able to crash the proxy).
    /// - Parameter unit: how many of the header's units make a second.
    package static func wholeSeconds(_ text: String, unit: Double) -> Int? {
        guard let value = Double(text.trimmingWhitespace()), value.isFinite, value >= 0 else { return nil }
        return Int(min((value / unit).rounded(.up), 86_400))
    }
}

extension JSONValue {
    /// The element at `index` when this is an array.
    package subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}
