/// How a client's request body is encoded (its `Content-Encoding`): as it is, or compressed the
/// ways clients compress (Claude Code can gzip its request bodies).
package enum RequestContentEncoding: Sendable, Equatable {
    case identity
    case gzip
    /// HTTP's `deflate`: zlib's wrapping of deflate data, or raw deflate data, which some clients
    /// send under the same name (see `isZlibWrapped`).
    case deflate

    /// The encoding a `Content-Encoding` header names; one the proxy cannot decode (zstd, br, two
    /// encodings in a row) is a 415 naming those it can.
    package init(header: String?) throws(AnthropicError) {
        let codings = (header ?? "").split(separator: ",").map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty && $0 != "identity" }
        switch codings {
        case []: self = .identity
        case ["gzip"], ["x-gzip"]: self = .gzip
        case ["deflate"]: self = .deflate
        default:
            throw AnthropicError(
                .invalidRequest,
                "Content-Encoding '\(header ?? "")' is not supported: send the request body uncompressed, or compressed with Content-Encoding gzip or deflate.",
                status: 415)
        }
    }

    /// Whether a deflate body's first two bytes are a zlib header (RFC 1950: deflate, and a check
    /// that makes the pair a multiple of 31), rather than the start of raw deflate data.
    package static func isZlibWrapped(_ first: UInt8, _ second: UInt8) -> Bool {
        first & 0x0F == 8 && first >> 4 <= 7 && (UInt16(first) << 8 | UInt16(second)) % 31 == 0
    }
}
