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
                let length = request.headers[.contentLength].flatMap { Int($0) }
                var body: ByteBuffer?
                for try await part in request.body {
                    guard (body?.readableBytes ?? 0) + part.readableBytes <= limit else { throw tooLarge(limit: limit) }
                    // A large body comes whole, in a buffer of its own (`LargeBodyGatherer`), and is taken as it is.
                    if body == nil, part.readableBytes == length, part.readableBytes >= LargeBodyGatherer.threshold {
                        body = part
                        continue
                    }
                    // Room for the whole body from the start: grown as it came, a megabyte's buffer ends up with two.
                    if body == nil { body = ByteBufferAllocator().buffer(capacity: min(length ?? 0, limit)) }
                    body?.writeImmutableBuffer(part)
                }
                return body ?? ByteBuffer()
            }
            var decompressor = RequestBodyDecompressor(encoding: encoding, limit: limit)
            for try await chunk in request.body { try decompressor.decompress(chunk) }
            return try decompressor.finish()
        } catch let error as AnthropicError {
            throw error
        } catch {
            throw .invalidRequest("The request body could not be read: \(error)")
        }
    }

    static func tooLarge(limit: Int) -> AnthropicError {
        AnthropicError(.requestTooLarge, "The request body is larger than \(limit / 1024 / 1024) MB (REQUEST_BODY_LIMIT_MB).")
    }
}
