import Foundation
import ProxyCore
import Testing

/// Thought signatures survive the trip through the client exactly, in fields it sends back.
@Suite struct GeminiThoughtSignatureTests {
    /// Standard base64 with every character that is not URL-safe, and padding.
    static let signature = "CiQBjz1rX+/9kL2a/b+cQw=="

    @Test func aToolUseIDCarriesTheSignatureInAnthropicsIDAlphabet() throws {
        let id = GeminiThoughtSignature.toolUseID(base: "toolu_01ABC_0", signature: Self.signature)
        #expect(id == "toolu_01ABC_0_sig_CiQBjz1rX-_9kL2a_b-cQw")
        #expect(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        #expect(GeminiThoughtSignature.signature(inToolUseID: id) == Self.signature)
    }

    @Test(arguments: ["AAAA", "AAAAAA==", "AAAAAAA=", "CiQBjz1rX+/9kL2a/b+cQw==", "aGVsbG8_d29ybGQ-Pz8", "skip_thought_signature_validator"])
    func everySignatureComesBackAsTheSameBytesInStandardBase64(signature: String) throws {
        let restored = try #require(GeminiThoughtSignature.signature(inToolUseID: GeminiThoughtSignature.toolUseID(base: "call_1", signature: signature)))
        #expect(!restored.contains("-") && !restored.contains("_") && restored.utf8.count % 4 == 0)
        #expect(try #require(Self.bytes(restored)) == (try #require(Self.bytes(signature))))
    }

    /// The bytes of base64 in either alphabet, padded or not.
    private static func bytes(_ base64: String) -> Data? {
        var standard = base64.replacing("-", with: "+").replacing("_", with: "/").filter { $0 != "=" }
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard)
    }

    @Test func idsWithoutASignatureCarryNone() {
        #expect(GeminiThoughtSignature.toolUseID(base: "toolu_01ABC_0", signature: nil) == "toolu_01ABC_0")
        #expect(GeminiThoughtSignature.toolUseID(base: "toolu_01ABC_0", signature: "") == "toolu_01ABC_0")
        #expect(GeminiThoughtSignature.signature(inToolUseID: "call_2d93f099778048b1") == nil)
        #expect(GeminiThoughtSignature.signature(inToolUseID: "toolu_01A09q90qw90lq917835lq9") == nil)
        #expect(GeminiThoughtSignature.signature(inToolUseID: "toolu_x_sig_") == nil)
    }

    @Test func aThinkingSignatureIsMarkedAsGeminisAndOthersAreNot() {
        #expect(GeminiThoughtSignature.thinkingSignature(Self.signature) == "gemini:" + Self.signature)
        #expect(GeminiThoughtSignature.thinkingSignature(nil) == "")
        #expect(GeminiThoughtSignature.signature(inThinkingSignature: "gemini:" + Self.signature) == Self.signature)
        #expect(GeminiThoughtSignature.signature(inThinkingSignature: "EqQBCkgIARABGAIiQL2a") == nil)
        #expect(GeminiThoughtSignature.signature(inThinkingSignature: "gemini:") == nil)
    }
}

/// Ids that carry a signature still fit OpenAI's limit when the conversation moves there.
@Suite struct ToolCallIDLimitTests {
    @Test func idsWithinTheLimitAreKept() {
        #expect(ToolCallIDLimit.fitting("call_2d93f099778048b1") == "call_2d93f099778048b1")
        #expect(ToolCallIDLimit.fitting(String(repeating: "a", count: 40)) == String(repeating: "a", count: 40))
    }

    @Test func longerIdsBecomeAStableDistinctShortForm() {
        let first = GeminiThoughtSignature.toolUseID(base: "toolu_01TestReply_0", signature: "CiQBjz1rX+/9kL2a/b+cQw==")
        let second = GeminiThoughtSignature.toolUseID(base: "toolu_01TestReply_0", signature: "CiQBjz1rX+/9kL2a/b+cQx==")
        #expect(ToolCallIDLimit.fitting(first).utf8.count == 40)
        #expect(ToolCallIDLimit.fitting(first).hasPrefix("toolu_01TestReply_0_sig_"))
        #expect(ToolCallIDLimit.fitting(first) == ToolCallIDLimit.fitting(first))
        #expect(ToolCallIDLimit.fitting(first) != ToolCallIDLimit.fitting(second))
    }
}
