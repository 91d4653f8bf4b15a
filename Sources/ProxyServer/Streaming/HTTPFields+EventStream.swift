import Hummingbird
import ProxyCore

extension HTTPFields {
    /// Headers of an event stream, as Anthropic sends them.
    static func eventStream(upstreamModel: String) -> HTTPFields {
        [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache",
            .upstreamModel: upstreamModel,
        ]
    }
}
