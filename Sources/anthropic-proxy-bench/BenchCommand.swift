import ArgumentParser

/// Tools for the benchmark (`scripts/bench`): a fast stub upstream, and a load of concurrent
/// streams that checks every stream arrives whole.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anthropic-proxy-bench",
        abstract: "Benchmark tools for anthropic-proxy; scripts/bench runs them.",
        subcommands: [StubUpstreamCommand.self, StreamLoadCommand.self]
    )
}
