import Crypto

/// OpenAI's `prompt_cache_key`: requests with the same key and prefix land on the same prompt
/// cache, so every turn of a Claude Code session (which resends the same 30-40 KB of system prompt
/// and tools, and the whole conversation) reads the turn before it from the cache.
///
/// One key per session and model: a hash of Claude Code's session id (`metadata.user_id`), never
/// the id itself; without a session, a hash of the system prompt and tools, which a client's
/// requests share. Distinct sessions get distinct keys, which keeps one busy prefix from
/// overflowing a single cache machine.
package enum PromptCacheKey {
    package static func make(for request: MessagesRequest, model: String) -> String {
        var hash = SHA256()
        hash.update(data: Array("anthropic-proxy\u{0}\(model)\u{0}".utf8))
        if let session = RequestRecord.sessionID(fromUserID: request.userID) {
            hash.update(data: Array("session\u{0}\(session)".utf8))
        } else {
            hash.update(data: Array("prefix\u{0}".utf8))
            for text in request.system { hash.update(data: Array("\(text)\u{0}".utf8)) }
            for tool in request.tools {
                hash.update(data: Array("\(tool.name)\u{0}\(tool.description ?? "")\u{0}".utf8))
                hash.update(data: JSONWriter.encode(tool.inputSchema))
            }
        }
        return "claude-" + hash.finalize().prefix(16).hexDigits
    }
}
