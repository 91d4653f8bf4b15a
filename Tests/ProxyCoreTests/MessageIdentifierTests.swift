import ProxyCore
import Testing

@Suite struct MessageIdentifierTests {
    @Test func messageIDsHaveAnthropicsShapeAndDoNotRepeat() {
        let ids = (0..<1_000).map { _ in MessageIdentifier.newMessageID() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.hasPrefix("msg_") && id.count == 28)
            #expect(id.dropFirst(4).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        }
    }

    @Test func toolUseIDsForUpstreamsThatGiveNoneAreStablePerReplyAndIndex() {
        let first = MessageIdentifier.toolUseID(messageID: "msg_abc", index: 0)
        #expect(first == MessageIdentifier.toolUseID(messageID: "msg_abc", index: 0))
        #expect(first != MessageIdentifier.toolUseID(messageID: "msg_abc", index: 1))
        #expect(first.hasPrefix("toolu_"))
    }
}
