import NIOCore
@testable import ProxyServer
import Testing

/// The upstream request body hands its bytes over once and keeps nothing after.
@Suite struct SentOnceBodyTests {
    @Test func theBytesComeOnceThenTheSequenceIsEmpty() async {
        let body = SentOnceBody(ByteBuffer(string: #"{"model":"gpt-4.1"}"#))
        var first = body.makeAsyncIterator()
        #expect(await first.next() == ByteBuffer(string: #"{"model":"gpt-4.1"}"#))
        #expect(await first.next() == nil)
        var second = body.makeAsyncIterator()
        #expect(await second.next() == nil, "a second reading finds nothing held")
    }
}
