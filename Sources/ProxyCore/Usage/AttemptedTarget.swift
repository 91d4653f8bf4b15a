/// A target as the request record keeps it: where an attempt went, without the keys a
/// `RouteTarget` carries.
package struct AttemptedTarget: Sendable, Equatable {
    package var provider: Provider
    /// The ready-made provider (`deepseek`), when the target is one.
    package var presetName: String?
    /// The model name as the upstream knows it.
    package var model: String
    package var channel: String?
    /// `openai/gpt-4.1`, `openai/gpt-4.1:channel`, `deepseek/deepseek-chat`.
    package var qualifiedModel: String

    package init(_ target: RouteTarget) {
        provider = target.provider
        presetName = target.preset?.name
        model = target.model
        channel = target.channel
        qualifiedModel = target.qualifiedModel
    }

    /// The provider as people name it: the preset's name, else the protocol's.
    package var providerName: String { presetName ?? provider.rawValue }
}
