import Logging
import ProxyCore

/// What one request works with, from its start to its end: the configuration snapshot it started
/// on (settings, routing, the upstream client, the redactor) and the server's shared services.
struct ProxyServices: Sendable {
    let snapshot: ConfigurationSnapshot
    let shared: SharedServices

    var configuration: ProxyConfiguration { snapshot.configuration }
    var router: ModelRouter { snapshot.router }
    var catalog: ModelCatalog { snapshot.catalog }
    var upstream: UpstreamClient { snapshot.upstream }
    var redactor: SecretRedactor { snapshot.redactor }
    var keys: UpstreamKeys { shared.keys }
    var requestFragments: JSONFragmentCache { shared.requestFragments }
    /// The conversations kept from earlier turns, unless `PREFIX_CACHE` is off.
    var conversations: ConversationPrefixCache? { configuration.prefixCache ? shared.conversations : nil }
    /// The long strings written for earlier turns, unless `PREFIX_CACHE` is off.
    var writtenStrings: JSONStringEscapes? { configuration.prefixCache ? shared.writtenStrings : nil }
    /// The last upstream bodies of recent conversations, unless `PREFIX_CACHE` is off.
    var upstreamBodies: UpstreamBodyBuffers? { configuration.prefixCache ? shared.upstreamBodies : nil }
    var explicitCaches: ExplicitCaches { shared.explicitCaches }
    var promptFingerprints: PromptFingerprintStore { shared.promptFingerprints }
    /// The message threads, unless `MESSAGE_THREADS` is off.
    var threads: MessageThreads? { configuration.messageThreads ? shared.threads : nil }

    /// What an attempt at `target` is sent with: the next of its keys, or for Vertex AI with
    /// Google Cloud credentials a fresh access token (a token that cannot be had fails the attempt,
    /// as the upstream's refusal would: a fallback may serve).
    func credential(for target: RouteTarget) async throws(UpstreamFailure) -> String? {
        guard case .credentials(let file)? = target.vertex else { return keys.next(for: target) }
        do {
            return try await shared.googleCredentials.token(file: file, httpClient: upstream.httpClient)
        } catch {
            throw UpstreamFailure(error.status == 401 ? .status(401) : .connect, clientError: error)
        }
    }

    /// Tells the keeper of `key` that the upstream refused it: a rested key, or a token let go of.
    /// - Returns: whether another of the target's keys is ready (see `UpstreamKeys.refused`).
    func refused(_ key: String?, of target: RouteTarget, with failure: UpstreamFailure) -> Bool {
        if case .credentials(let file)? = target.vertex, let key, failure.rejectedKey {
            shared.googleCredentials.discard(key, file: file)
            return false
        }
        return keys.refused(key, of: target, with: failure)
    }
    var logger: Logger { shared.logger }

    /// Logs a body at debug level, with every secret redacted.
    func debugBody(_ label: String, _ bytes: some Collection<UInt8>) {
        guard logger.logLevel <= .debug else { return }
        logger.debug("\(label): \(redactor.redact(String(decoding: bytes, as: UTF8.self)))")
    }
}
