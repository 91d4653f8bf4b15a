import Hummingbird
import NIOCore
import ProxyCore

/// Reads a client's request body whole, up to `REQUEST_BODY_LIMIT_MB`: as it is, or decompressed
/// as it arrives when its `Content-Encoding` is gzip or deflate (the limit then holds for the
/// decompressed bytes; see `RequestBodyDecompressor`).
enum RequestBodyReader {
    static func read(_ request: Request, limit: Int) async throws(AnthropicError) -> ByteBuffer {
        let encoding = try RequestContentEncoding(header: request.headers[.contentEncoding])
        do {
            guard encoding != .identity else {
                // Room for the whole body from the start: grown as it came, a megabyte's buffer ends up with two.
                var body = ByteBufferAllocator().buffer(capacity: min(request.headers[.contentLength].flatMap { Int($0) } ?? 0, limit))
                try await request.body.collect(upTo: limit, into: &body)
                return body
            }
            var decompressor = RequestBodyDecompressor(encoding: encoding, limit: limit)
            for try await chunk in request.body { try decompressor.decompress(chunk) }
            return try decompressor.finish()
        } catch let error as AnthropicError {
            throw error
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit: limit)
        } catch {
            throw .invalidRequest("The request body could not be read: \(error)")
        }
    }

    static func tooLarge(limit: Int) -> AnthropicError {
        AnthropicError(.requestTooLarge, "The request body is larger than \(limit / 1024 / 1024) MB (REQUEST_BODY_LIMIT_MB).")
    }
}
