import AsyncHTTPClient
import NIOCore
@testable import ProxyServer
import Testing

/// A small upstream request body goes out whole through AsyncHTTPClient's synchronous path, and
/// nothing is held once it has.
@Suite struct SentOnceBytesTests {
    @Test func asyncHTTPClientTakesTheBytesWholeAndNothingIsHeldAfter() async throws {
        let json = #"{"model":"gpt-4.1","messages":[{"role":"user","content":"naïve café 東京 🎉"}]}"#
        var buffer = ByteBuffer(string: "ignored")
        buffer.moveReaderIndex(forwardBy: 7)
        buffer.writeString(json)
        let bytes = SentOnceBytes(buffer)
        #expect(bytes.count == json.utf8.count)
        #expect(bytes[2] == UInt8(ascii: "m"), "a byte is read from the readable bytes while they are held")

        let body = HTTPClientRequest.Body.bytes(bytes, length: .known(Int64(bytes.count)))
        var parts: [ByteBuffer] = []
        for try await part in body { parts.append(part) }
        #expect(parts == [ByteBuffer(string: json)])
        #expect(bytes.withContiguousStorageIfAvailable { $0.count } == nil, "the bytes were let go once handed over")
    }
}
