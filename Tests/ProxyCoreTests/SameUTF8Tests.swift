import ProxyCore
import Testing

/// `String.hasSameUTF8(as:)`, which the fragment caches use to tell a kept message from a new
/// one: byte for byte, never canonical equivalence.
struct SameUTF8Tests {
    /// A long string in storage of its own each time it is made.
    private func text(_ length: Int, changing index: Int? = nil) -> String {
        var bytes = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        if let index { bytes[index] = UInt8(ascii: "#") }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func equalBytesInOtherStorageAreTheSame() {
        #expect(text(1_000_003).hasSameUTF8(as: text(1_000_003)))
        #expect(text(7).hasSameUTF8(as: text(7)))
        #expect("".hasSameUTF8(as: ""))
    }

    @Test func oneByteOffAnywhereIsNotTheSame() {
        for index in [0, 31, 32, 500_000, 1_000_002] {
            #expect(!text(1_000_003).hasSameUTF8(as: text(1_000_003, changing: index)), "changed at \(index)")
        }
    }

    @Test func otherLengthsAreNotTheSame() {
        #expect(!text(100).hasSameUTF8(as: text(101)))
        #expect(!"".hasSameUTF8(as: "a"))
    }

    @Test func canonicallyEquivalentTextWrittenOtherwiseIsNotTheSame() {
        let precomposed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        #expect(precomposed == decomposed)
        #expect(!precomposed.hasSameUTF8(as: decomposed))
    }

    @Test func theSameStorageIsTheSame() {
        let shared = text(4096)
        let copy = shared
        #expect(shared.hasSameUTF8(as: copy))
    }
}
