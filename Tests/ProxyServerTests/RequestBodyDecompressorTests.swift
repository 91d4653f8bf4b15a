import CompressNIO
import NIOCore
import ProxyCore
import Testing

@testable import ProxyServer

/// Bodies decompressed as they arrive, however they are cut into chunks, and a zip bomb stopped
/// at the limit with no more than the limit held.
@Suite struct RequestBodyDecompressorTests {
    private func chunks(_ bytes: [UInt8], of size: Int) -> [ByteBuffer] {
        stride(from: 0, to: bytes.count, by: size).map { ByteBuffer(bytes: bytes[$0..<min($0 + size, bytes.count)]) }
    }

    @Test(arguments: [1, 2, 3, 1000, 1 << 20])
    func aBodyCutIntoChunksOfAnySizeDecompressesWhole(chunkSize: Int) throws {
        // A body larger than one window of output, of text that compresses as requests do.
        let text = Array(String(repeating: "{\"type\": \"text\", \"text\": \"a line of a long tool result\"}, ", count: 5_000).utf8)
        for (encoding, algorithm) in [(RequestContentEncoding.gzip, ZlibAlgorithm.gzip), (.deflate, .zlib), (.deflate, .deflate)] {
            var decompressor = RequestBodyDecompressor(encoding: encoding, limit: 1 << 20)
            for chunk in chunks(try compressed(text, algorithm), of: chunkSize) { try decompressor.decompress(chunk) }
            #expect(Array(try decompressor.finish().readableBytesView) == text, "\(algorithm)")
        }
    }

    @Test func aZipBombIsRefusedAtTheLimitHoldingNoMoreThanTheLimit() throws {
        let limit = 1 << 20
        let bomb = try compressed([UInt8](repeating: 0, count: 20 << 20), .gzip)
        var decompressor = RequestBodyDecompressor(encoding: .gzip, limit: limit)
        var fed = 0
        var refusal: AnthropicError?
        for chunk in chunks(bomb, of: 1024) {
            do throws(AnthropicError) {
                try decompressor.decompress(chunk)
                fed += chunk.readableBytes
            } catch {
                refusal = error
                break
            }
        }
        #expect(refusal?.kind == .requestTooLarge)
        #expect(decompressor.body.readableBytes <= limit)
        #expect(decompressor.body.capacity <= 2 * limit, "memory for the limit, not for the 20 MB")
        #expect(fed < bomb.count / 4, "it stopped reading once the limit was reached")
    }

    @Test func compressedBytesCountAgainstTheLimitToo() throws {
        var decompressor = RequestBodyDecompressor(encoding: .gzip, limit: 100)
        #expect(throws: RequestBodyReader.tooLarge(limit: 100)) { try decompressor.decompress(ByteBuffer(bytes: [UInt8](repeating: 0x1F, count: 101))) }
    }
}
