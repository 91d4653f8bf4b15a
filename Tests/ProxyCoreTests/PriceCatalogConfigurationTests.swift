import ProxyCore
import Testing

/// `MODEL_PRICES` / the file's `prices`: US dollars per million tokens, by model, as
/// `model=input/output[/cache_read[/cache_write]]` or, in the file, a mapping per model.
@Suite struct PriceCatalogConfigurationTests {
    private func prices(environment: [String: String]) throws -> [String: ModelPrice] {
        try ProxyConfiguration(environment: environment).modelPrices
    }

    private func prices(file text: String, path: String = "proxy.yaml") throws -> [String: ModelPrice] {
        let file = try ConfigurationFile(path: path, text: text, variables: [:])
        return try ProxyConfiguration(settings: LayeredSettings(environment: [:], file: file)).modelPrices
    }

    private func error(_ body: () throws -> [String: ModelPrice]) -> ConfigurationError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func theVariableTakesPricesPerMillionTokensByLowerCasedModel() throws {
        let prices = try prices(environment: ["MODEL_PRICES": "GPT-4.1 = 2/8/0.5, my-local-model=0/0, claude-x=3/15//3.75"])
        #expect(prices["gpt-4.1"] == ModelPrice(input: 2e-6, output: 8e-6, cacheRead: 5e-7))
        #expect(prices["my-local-model"] == ModelPrice(input: 0, output: 0))
        #expect(prices["claude-x"] == ModelPrice(input: 3e-6, output: 1.5e-5, cacheWrite: 3.75e-6))
        #expect(try self.prices(environment: [:]).isEmpty)
    }

    @Test(arguments: [
        ("gpt-4.1=2", "gpt-4.1=2"), ("gpt-4.1=2/8/1/1/1", "gpt-4.1=2/8/1/1/1"), ("gpt-4.1=two/8", "gpt-4.1=two/8"),
        ("gpt-4.1=-1/8", "gpt-4.1=-1/8"), ("gpt-4.1=/8", "gpt-4.1=/8"), ("=2/8", "=2/8"), ("gpt-4.1", "gpt-4.1"),
        ("a=1/1,gpt-4.1=2/inf", "gpt-4.1=2/inf"),
    ])
    func aBadEntryNamesTheVariableAndTheForm(value: String, entry: String) {
        #expect(
            error { try prices(environment: ["MODEL_PRICES": value]) }
                == ConfigurationError(
                    variable: "MODEL_PRICES", problem: "'\(entry)' is not model=input/output[/cache_read[/cache_write]] in US dollars per million tokens"))
    }

    @Test func theFileTakesAMappingPerModelOrTheSlashForm() throws {
        let yaml = """
            prices:
              my-local-model: {input: 0.0, output: 0.0}
              gpt-4.1: {input: 2.0, output: 8.0, cache_read: 0.5}
              claude-x: {cache_write: 3.75, output: 15, input: 3}
              deepseek-chat: 0.25/0.5/0.125
            """
        let prices = try prices(file: yaml)
        #expect(prices["my-local-model"] == ModelPrice(input: 0, output: 0))
        #expect(prices["gpt-4.1"] == ModelPrice(input: 2e-6, output: 8e-6, cacheRead: 5e-7))
        #expect(prices["claude-x"] == ModelPrice(input: 3e-6, output: 1.5e-5, cacheWrite: 3.75e-6))
        #expect(prices["deepseek-chat"] == ModelPrice(input: 2.5e-7, output: 5e-7, cacheRead: 1.25e-7))
        let json = #"{"prices": {"gpt-4.1": {"input": 2, "output": 8, "cache_read": 0.5}, "claude-x": "3/15//3.75"}}"#
        #expect(try self.prices(file: json, path: "proxy.json") == ["gpt-4.1": prices["gpt-4.1"]!, "claude-x": prices["claude-x"]!])
    }

    @Test func fileErrorsNameTheFileAndTheKey() {
        #expect(
            error { try prices(file: "prices:\n  gpt-4.1: {input: 2, output: 8, cached: 1}\n") }
                == ConfigurationError(variable: "proxy.yaml: prices.gpt-4.1.cached", problem: "is not one of input, output, cache_read, cache_write"))
        #expect(
            error { try prices(file: "prices:\n  gpt-4.1: {input: 2, output: [8]}\n") }
                == ConfigurationError(variable: "proxy.yaml: prices.gpt-4.1.output", problem: "takes a number"))
        #expect(
            error { try prices(file: "prices:\n  gpt-4.1: [2, 8]\n") }
                == ConfigurationError(
                    variable: "proxy.yaml: prices.gpt-4.1", problem: "takes a mapping of input, output, cache_read, cache_write or input/output/cache_read/cache_write"))
        #expect(
            error { try prices(file: "prices:\n  gpt-4.1: {input: 2}\n") }
                == ConfigurationError(
                    variable: "proxy.yaml: prices", problem: "'gpt-4.1=2' is not model=input/output[/cache_read[/cache_write]] in US dollars per million tokens"))
    }

    @Test func theVariableWinsOverTheFile() throws {
        let file = try ConfigurationFile(path: "proxy.yaml", text: "prices: {gpt-4.1: {input: 2, output: 8}}", variables: [:])
        let configuration = try ProxyConfiguration(settings: LayeredSettings(environment: ["MODEL_PRICES": "gpt-4.1=1/1"], file: file))
        #expect(configuration.modelPrices == ["gpt-4.1": ModelPrice(input: 1e-6, output: 1e-6)])
    }
}
