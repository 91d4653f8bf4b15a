import ProxyCore
import Testing

@testable import ProxyServer

@Suite struct RecentThreadConversationsTests {
    static func conversation(_ text: String) -> ThreadConversation {
        ThreadConversation(owner: "", fields: [:], messages: [["role": "user", "content": .string(text)]])
    }

    @Test func theLeastRecentlyUsedGoFirstWhenTheBytesRunOut() {
        // Each costs three times its 100 bytes: four fit.
        let recent = RecentThreadConversations(maximumBytes: 1200)
        for id in ["a", "b", "c", "d"] { recent.keep(Self.conversation(id), replyID: id, jsonBytes: 100) }
        #expect(recent.conversation(of: "a") == Self.conversation("a"))
        // Over the bound, the least recently used go until a quarter of it is free.
        recent.keep(Self.conversation("e"), replyID: "e", jsonBytes: 100)
        #expect(recent.conversation(of: "b") == nil && recent.conversation(of: "c") == nil)
        #expect(recent.conversation(of: "a") != nil && recent.conversation(of: "d") != nil && recent.conversation(of: "e") != nil)
        #expect(recent.cost == 900)
        // One that cannot fit alone is not kept, and pushes nothing out.
        recent.keep(Self.conversation("f"), replyID: "f", jsonBytes: 401)
        #expect(recent.conversation(of: "f") == nil)
        #expect(recent.cost == 900)
        // One that fits only alone is kept, alone.
        recent.keep(Self.conversation("g"), replyID: "g", jsonBytes: 400)
        #expect(recent.conversation(of: "g") == Self.conversation("g"))
        #expect(recent.cost == 1200)
    }

    @Test func anExtendedConversationMovesToTheNewReply() {
        let recent = RecentThreadConversations(maximumBytes: 1000)
        recent.keep(Self.conversation("first"), replyID: "msg_1", jsonBytes: 100)
        let added: [JSONValue] = [["role": "assistant", "content": "second"]]
        recent.extend("msg_1", with: added, messagesBytes: 50, replyID: "msg_2")
        #expect(recent.conversation(of: "msg_1") == nil)
        #expect(recent.conversation(of: "msg_2")?.messages == Self.conversation("first").messages + added)
        #expect(recent.cost == 450)
        // A reply not kept extends nothing.
        recent.extend("msg_unknown", with: added, messagesBytes: 50, replyID: "msg_3")
        #expect(recent.conversation(of: "msg_3") == nil)
        #expect(recent.cost == 450)
    }
}
