import ProxyCore
import Testing

/// Which request bodies the proxy decompresses, and a clear refusal of those it cannot.
@Suite struct RequestContentEncodingTests {
    @Test func noneOrIdentityIsTheBodyAsItIs() throws {
        #expect(try RequestContentEncoding(header: nil) == .identity)
        #expect(try RequestContentEncoding(header: "identity") == .identity)
        #expect(try RequestContentEncoding(header: "") == .identity)
    }

    @Test func gzipAndDeflateInAnyCase() throws {
        #expect(try RequestContentEncoding(header: "gzip") == .gzip)
        #expect(try RequestContentEncoding(header: " GZip ") == .gzip)
        #expect(try RequestContentEncoding(header: "x-gzip") == .gzip)
        #expect(try RequestContentEncoding(header: "Deflate") == .deflate)
        #expect(try RequestContentEncoding(header: "identity, gzip") == .gzip)
    }

    @Test(arguments: ["zstd", "br", "compress", "gzip, gzip", "deflate, br"])
    func anotherEncodingIsA415NamingTheSupportedOnes(header: String) {
        #expect {
            _ = try RequestContentEncoding(header: header)
        } throws: { error in
            guard let error = error as? AnthropicError else { return false }
            return error.status == 415 && error.kind == .invalidRequest && error.message.contains("'\(header)'") && error.message.contains("gzip or deflate")
        }
    }

    @Test func zlibHeadersAreToldFromRawDeflate() {
        // zlib's headers at each compression level: 78 01, 78 5E, 78 9C, 78 DA.
        for second: UInt8 in [0x01, 0x5E, 0x9C, 0xDA] { #expect(RequestContentEncoding.isZlibWrapped(0x78, second)) }
        // Raw deflate: a fixed-Huffman final block, as zlib's raw deflate of a short text starts.
        #expect(!RequestContentEncoding.isZlibWrapped(0xF3, 0x48))
        #expect(!RequestContentEncoding.isZlibWrapped(0xAB, 0x56))
        #expect(!RequestContentEncoding.isZlibWrapped(0x78, 0x9D), "the check bits must add up")
    }
}
