import Foundation
import ProxyCore

// Shared helpers for ProxyCoreTests. Names are deliberately specific: other helper files live in
// this folder too.

/// The Claude Code request captures under `Fixtures/`, each `{method, path, headers, body}`.
enum ClaudeCodeFixture: String, CaseIterable, Sendable, CustomStringConvertible {
    case firstTurn = "first-turn"
    case toolResultTurn = "tool-result-turn"
    case parallelToolResultsTurn = "parallel-tool-results-turn"

    var description: String { rawValue }
}

struct ClaudeCodeFixtureMissing: Error, CustomStringConvertible {
    let name: String
    var description: String { "fixture \(name).json is not in the test bundle" }
}

/// The raw bytes of a fixture file (the whole capture, not just the body).
func loadClaudeCodeFixtureFile(_ fixture: ClaudeCodeFixture) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: fixture.rawValue, withExtension: "json", subdirectory: "Fixtures") else {
        throw ClaudeCodeFixtureMissing(name: fixture.rawValue)
    }
    return [UInt8](try Data(contentsOf: url))
}

/// The request body of a fixture, parsed.
func loadClaudeCodeFixture(_ fixture: ClaudeCodeFixture) throws -> JSONValue {
    let capture = try JSONParser.parse(loadClaudeCodeFixtureFile(fixture))
    guard let body = capture["body"] else { throw ClaudeCodeFixtureMissing(name: "\(fixture.rawValue) (body)") }
    return body
}

/// The request body of a fixture as compact JSON bytes, as a client would send it.
func loadClaudeCodeFixtureBody(_ fixture: ClaudeCodeFixture) throws -> [UInt8] {
    JSONWriter.encode(try loadClaudeCodeFixture(fixture))
}

/// SplitMix64: a tiny deterministic generator, so a seeded test does the same thing on every run
/// and platform (unlike `SystemRandomNumberGenerator`).
struct SeededSplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound`; `bound` must be positive.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next() % UInt64(bound))
    }

    /// True with probability `1 / n`.
    mutating func oneIn(_ n: Int) -> Bool {
        below(n) == 0
    }
}
