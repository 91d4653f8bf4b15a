@testable import ProxyCore
import Testing

/// The word- and vector-at-a-time scan for characters a JSON string must escape agrees with a plain
/// byte-by-byte scan, at every offset and for every byte value.
@Suite struct JSONStringScanTests {
    private func plainScan(_ bytes: [UInt8], from start: Int) -> Int {
        bytes[start...].firstIndex { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 } ?? bytes.count
    }

    @Test func everyByteValueAtEveryPositionOfAWordIsJudgedAsAPlainScanDoes() {
        for value in UInt8.min...UInt8.max {
            // Two vectors and a tail.
            for position in 0..<40 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 40)
                bytes[position] = value
                for start in 0...position {
                    let found = bytes.withUnsafeBytes { $0.firstJSONStringSpecialByte(from: start) }
                    #expect(found == plainScan(bytes, from: start), "byte \(value) at \(position) from \(start)")
                }
            }
        }
    }

    @Test func randomTextAgreesWithAPlainScan() {
        var generator = SeededSplitMix64(seed: 7)
        // Mostly prose, with multi-byte characters and the odd special byte.
        let alphabet: [UInt8] = Array("abc xyz.,:{}[]é€".utf8) + [0x22, 0x5C, 0x0A, 0x01, 0x7F, 0xFF, 0x20, 0x1F]
        for _ in 0..<500 {
            let count = Int.random(in: 0..<120, using: &generator)
            let bytes = (0..<count).map { _ in Int.random(in: 0..<100, using: &generator) < 95 ? UInt8(ascii: "a") : alphabet.randomElement(using: &generator)! }
            var start = 0
            while start <= count {
                let found = bytes.withUnsafeBytes { $0.firstJSONStringSpecialByte(from: start) }
                #expect(found == plainScan(bytes, from: start))
                start = found + 1
            }
        }
    }
}
