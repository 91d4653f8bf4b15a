import CompressNIO
import NIOCore
import ProxyCore

/// Decompresses a request body chunk by chunk as it arrives (`Content-Encoding` gzip or deflate),
/// holding at most `limit` decompressed bytes: a body that would expand past the limit (a few KB
/// of gzip that expand to gigabytes) is refused as it reaches the limit, never expanded in memory.
struct RequestBodyDecompressor {
    /// How much is decompressed at a time.
    private static let windowSize = 64 * 1024

    private let encoding: RequestContentEncoding
    private let limit: Int
    /// Made once the first two bytes are known: a deflate body's tell zlib's wrapping from raw deflate.
    private var zlib: ZlibDecompressor?
    /// The first bytes, until there are two.
    private var start = ByteBuffer()
    private var window = ByteBufferAllocator().buffer(capacity: windowSize)
    private var compressedBytes = 0
    /// The decompressed body so far.
    private(set) var body = ByteBuffer()

    /// - Parameter encoding: `.gzip` or `.deflate`.
    init(encoding: RequestContentEncoding, limit: Int) {
        self.encoding = encoding
        self.limit = limit
    }

    /// Decompresses the next chunk of the body.
    mutating func decompress(_ chunk: ByteBuffer) throws(AnthropicError) {
        compressedBytes += chunk.readableBytes
        guard compressedBytes <= limit else { throw RequestBodyReader.tooLarge(limit: limit) }
        var input = chunk
        if zlib == nil {
            start.writeBuffer(&input)
            guard let first = start.getInteger(at: start.readerIndex, as: UInt8.self),
                let second = start.getInteger(at: start.readerIndex + 1, as: UInt8.self)
            else { return }
            zlib = try makeDecompressor(first, second)
            input = start
            start = ByteBuffer()
        }
        guard input.readableBytes > 0, let zlib else { return }
        var outputLeft = true
        while outputLeft {
            outputLeft = false
            window.clear()
            do {
                try zlib.inflate(from: &input, to: &window)
                // zlib stops early only at the end of the compressed data.
                if input.readableBytes > 0 { throw corrupt("it has data after the end of the compressed body") }
            } catch let error as CompressNIOError where error == .bufferOverflow {
                outputLeft = true
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                // Everything given was used; the rest of the body comes with the next chunk.
            } catch let error as AnthropicError {
                throw error
            } catch {
                throw corrupt("\(error)")
            }
            try keepWindow()
        }
    }

    /// The whole decompressed body, once the compressed data has ended.
    mutating func finish() throws(AnthropicError) -> ByteBuffer {
        guard let zlib else { throw corrupt("it ends before the compressed data does") }
        window.clear()
        var nothing = ByteBuffer()
        do {
            // With no input, zlib says whether its data ended or wants more.
            try zlib.inflate(from: &nothing, to: &window)
        } catch {
            throw corrupt("it ends before the compressed data does")
        }
        return body
    }

    private mutating func keepWindow() throws(AnthropicError) {
        guard body.readableBytes + window.readableBytes <= limit else { throw RequestBodyReader.tooLarge(limit: limit) }
        body.writeBuffer(&window)
    }

    private func makeDecompressor(_ first: UInt8, _ second: UInt8) throws(AnthropicError) -> ZlibDecompressor {
        let algorithm: ZlibAlgorithm =
            switch encoding {
            case .gzip: .gzip
            case .deflate: RequestContentEncoding.isZlibWrapped(first, second) ? .zlib : .deflate
            case .identity: preconditionFailure("an uncompressed body needs no decompressor")
            }
        do {
            return try ZlibDecompressor(algorithm: algorithm)
        } catch {
            throw AnthropicError(.api, "The request body could not be decompressed: \(error)")
        }
    }

    private func corrupt(_ problem: String) -> AnthropicError {
        .invalidRequest("The request body is not valid \(encoding == .gzip ? "gzip" : "deflate") data (its Content-Encoding): \(problem).")
    }
}
