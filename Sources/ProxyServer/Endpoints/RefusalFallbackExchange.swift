import HTTPTypes
import Hummingbird
import Logging
import ProxyCore
import Synchronization

/// Runs a request's `fallbacks` (see `RefusalFallbacks`) once its reply declines: each fallback is
/// asked in turn and the first that answers serves the turn, in one message that says where it
/// passed from one model to the next (`RefusalFallbackChain`; streams: `RefusalFallbackSplice`).
/// A fallback whose request fails (every retry and target of its own spent) is passed over; when
/// none answers, the last refusal stands, naming a fallback that was only too busy.
struct RefusalFallbackExchange: Sendable {
    /// One fallback: its entry (the model it names, as the reply calls it, and what it sets), and
    /// where it goes. Its request is made only when a reply declines.
    struct Fallback: Sendable {
        let entry: RefusalFallbacks.Entry
        /// The target a `"default"` fallback is; nil: the model is routed as a client's is.
        let target: RouteTarget?

        var model: String { entry.model }
    }

    /// An attempt made for a fallback: how it came out, and what the record keeps of it.
    struct Attempt: Sendable {
        let outcome: ExchangeOutcome
        let tried: [AttemptedTarget]
        let attempts: Int
    }

    /// The model the client asked for, as it spelled it.
    let requestedModel: String
    let fallbacks: [Fallback]
    let ask: @Sendable (Fallback) async -> Attempt
    /// How often a stream waiting for a fallback's answer is pinged (`PING_INTERVAL_SECONDS`).
    let pingInterval: Duration
    let logger: Logger

    /// The exchange's outcome: `first` (served by `target`) as it is unless it declines.
    func outcome(after first: ExchangeOutcome, servedBy target: AttemptedTarget, record: inout RequestRecord) async -> ExchangeOutcome {
        switch first {
        case .response(let response, let usage, nil) where response.status == .ok:
            return await wholeOutcome(response, usage: usage, servedBy: target, record: &record)
        case .stream(let status, let headers, let produce) where status == .ok:
            return .stream(status: status, headers: headers) { sink in try await streamed(produce, servedBy: target, to: sink) }
        default:
            return first
        }
    }

    private func wholeOutcome(_ response: Response, usage: Usage?, servedBy target: AttemptedTarget, record: inout RequestRecord) async -> ExchangeOutcome {
        var whole = response
        let bytes = await response.body.collected()
        whole.body = ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        guard RefusalFallbackChain.mayDecline(bytes), let reply = try? JSONParser.parse(bytes), RefusalFallbackChain.declines(reply) else {
            return .response(whole, usage: usage)
        }
        var chain = RefusalFallbackChain(requestedModel: requestedModel)
        chain.declined(model: requestedModel, usage: reply["usage"], stopDetails: reply["stop_details"])
        var refusal = (reply: reply, response: whole, declined: DeclinedReply(target: target, usage: usage ?? Usage()))
        var boundaries: [JSONValue] = []
        var busy: String?
        for (index, fallback) in fallbacks.enumerated() {
            let attempt = await ask(fallback)
            record.targets += attempt.tried
            record.attempts += attempt.attempts
            guard case .response(let answer, let answerUsage, nil) = attempt.outcome, answer.status == .ok,
                let answerReply = try? JSONParser.parse(await answer.body.collected())
            else {
                busy = passedOver(fallback, attempt.outcome)
                continue
            }
            busy = nil
            record.declinedReplies.append(refusal.declined)
            boundaries.append(chain.boundary(to: fallback.model))
            if RefusalFallbackChain.declines(answerReply), index < fallbacks.count - 1 {
                chain.declined(model: fallback.model, usage: answerReply["usage"], stopDetails: answerReply["stop_details"])
                refusal = (answerReply, answer, DeclinedReply(target: attempt.tried.last ?? target, usage: answerUsage ?? Usage()))
                continue
            }
            return .response(Self.json(chain.wholeReply(answerReply, by: fallback.model, boundaries: boundaries), like: answer), usage: answerUsage)
        }
        // The last refusal stands; it is billed as a declined reply, at its own target's prices.
        record.declinedReplies.append(refusal.declined)
        return .response(Self.json(chain.wholeReply(refusal.reply, by: nil, boundaries: boundaries, recommending: busy), like: refusal.response))
    }

    private func streamed(
        _ produce: @Sendable (StreamSink) async throws -> StreamEnding, servedBy target: AttemptedTarget, to sink: StreamSink
    ) async throws -> StreamEnding {
        let splice = SpliceTap(RefusalFallbackSplice(requestedModel: requestedModel, fallbackFollows: !fallbacks.isEmpty))
        var ending = try await produce(sink.tapped(by: splice))
        try sink.write(splice.finish())
        guard splice.declined else { return ending }
        var declined = DeclinedReply(target: target, usage: ending.usage ?? Usage())
        var busy: String?
        for (index, fallback) in fallbacks.enumerated() {
            let attempt = await ask(fallback, pinging: splice.clientHasStart ? sink : nil)
            sink.noteAttempted(attempt.tried, attempts: attempt.attempts)
            guard case .stream(let status, _, let produce) = attempt.outcome, status == .ok else {
                busy = passedOver(fallback, attempt.outcome)
                continue
            }
            busy = nil
            sink.noteDeclined(declined)
            splice.begin(fallback.model, fallbackFollows: index < fallbacks.count - 1)
            ending = try await produce(sink.tapped(by: splice))
            try sink.write(splice.finish())
            guard splice.declined else { return ending }
            declined = DeclinedReply(target: attempt.tried.last ?? target, usage: ending.usage ?? Usage())
        }
        sink.noteDeclined(declined)
        try sink.write(splice.unanswered(recommending: busy))
        return .completed(Usage())
    }

    /// Asks `fallback`, pinging `sink` meanwhile (a stream the client has opened): a fallback's
    /// answer may be a while coming, retries and all, and a silent stream looks dead.
    private func ask(_ fallback: Fallback, pinging sink: StreamSink?) async -> Attempt {
        guard let sink else { return await ask(fallback) }
        let pings = Task { [pingInterval] in
            while true {
                try await LoopTimer.sleep(for: pingInterval)
                try sink.write([.ping])
            }
        }
        let attempt = await ask(fallback)
        pings.cancel()
        _ = await pings.result
        return attempt
    }

    /// Logs a fallback that could not be asked; names its model when it was only busy (rate
    /// limited or overloaded), for the refusal's `recommended_model`.
    private func passedOver(_ fallback: Fallback, _ outcome: ExchangeOutcome) -> String? {
        guard case .response(let response, _, let error) = outcome else { return nil }
        let reason = error.map { "\($0.status) \($0.kind.rawValue): \($0.message)" } ?? "\(response.status.code)"
        logger.notice("Fallback \(fallback.model) after a refusal failed (\(reason)); passing it over")
        return [429, 529].contains(response.status.code) ? fallback.model : nil
    }

    /// A reply written anew, with the headers of the response it stands for.
    private static func json(_ reply: JSONValue, like response: Response) -> Response {
        var headers = response.headers
        headers[.contentLength] = nil
        headers[.contentEncoding] = nil
        return .json(reply, headers: headers)
    }
}

/// A `RefusalFallbackSplice` on the client's stream, the streams of the chain passing it in turn.
private final class SpliceTap: StreamSinkTap {
    private let splice: Mutex<RefusalFallbackSplice>

    init(_ splice: RefusalFallbackSplice) {
        self.splice = Mutex(splice)
    }

    var declined: Bool { splice.withLock { $0.declined } }
    var clientHasStart: Bool { splice.withLock { $0.clientHasStart } }

    func pass(_ bytes: [UInt8]) -> [UInt8] {
        splice.withLock { $0.pass(bytes) }
    }

    func finish() -> [UInt8] {
        splice.withLock { $0.finish() }
    }

    func begin(_ model: String, fallbackFollows: Bool) {
        splice.withLock { $0.begin(model, fallbackFollows: fallbackFollows) }
    }

    func unanswered(recommending model: String?) -> [UInt8] {
        splice.withLock { $0.unanswered(recommending: model) }
    }
}
