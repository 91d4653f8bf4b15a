/// A reply that declined (`stop_reason: "refusal"`) before a fallback served the request
/// (`fallbacks`): the client does not get it as the answer, but its upstream billed it.
package struct DeclinedReply: Sendable, Equatable {
    package var target: AttemptedTarget
    package var usage: Usage

    package init(target: AttemptedTarget, usage: Usage) {
        self.target = target
        self.usage = usage
    }
}
