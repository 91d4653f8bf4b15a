@testable import ProxyCore
import Testing

/// A router remembers what it worked out: the same answer, refusals included, and no more than
/// `KnownRoutes.capacity` names.
@Suite struct KnownRoutesTests {
    private func router() throws -> ModelRouter {
        ModelRouter(configuration: try ProxyConfiguration(environment: ["OPENAI_API_KEY": "sk-test", "BIG_MODEL": "gpt-4.1,openai/gpt-4o"]))
    }

    @Test func aNameAskedAgainGetsTheSameRoutesFromMemory() throws {
        let router = try router()
        let first = try router.routes("claude-sonnet-4-5")
        #expect(router.known.count == 1)
        #expect(try router.routes("claude-sonnet-4-5") == first)
        #expect(first.map(\.model) == ["gpt-4.1", "gpt-4o"])
        #expect(router.known.count == 1)
    }

    @Test func aRefusalIsRememberedAndThrownAgain() throws {
        let router = try router()
        var errors: [AnthropicError] = []
        for _ in 0..<2 {
            do {
                _ = try router.routes("gemini/gemini-2.5-pro")
            } catch {
                errors.append(error)
            }
        }
        #expect(errors.count == 2)
        #expect(errors.first == errors.last)
        #expect(errors.first?.message.contains("GEMINI_API_KEY") == true)
        #expect(router.known.count == 1)
    }

    @Test func inventedNamesBeyondTheCapacityAreForgotten() throws {
        let router = try router()
        for index in 0..<KnownRoutes.capacity {
            _ = try router.routes("model-\(index)")
        }
        #expect(router.known.count == KnownRoutes.capacity)
        let target = try router.route("model-extra")
        #expect(router.known.count == 1, "full: all were forgotten, then the new one kept")
        #expect(target.model == "model-extra")
    }
}
