import Crypto

/// A request's prefix as an upstream's explicit prompt cache would hold it (Gemini's
/// `cachedContents`): what names it, how large it is, and the requests that create the cache
/// and use it. The adapter makes it; the server keeps the caches and chooses with
/// `ExplicitCachePlanner`.
///
/// A cache holds the fixed part (model, system instruction, tools, tool config) and the first
/// `contentCount` contents. Requests that repeat both, and go on after them, can be served from it:
/// `digests[n]` names the fixed part with the first n contents, so a cache made at an earlier turn
/// is found again however the conversation has grown since.
package struct ExplicitCachePrefix: Sendable {
    /// `digests[n]`: the fixed part and the first n contents; the last is the whole cacheable prefix.
    package let digests: [String]
    /// The whole cacheable prefix's size, estimated.
    package let estimatedTokens: Int
    /// The least the upstream caches.
    package let minimumTokens: Int
    package let timeToLive: Duration
    /// Where caches are created (`{base}/cachedContents`), and the API root their names hang off.
    package let creationURL: String
    package let baseURL: String
    private let model: String
    /// The translated body with `contents` empty, and its contents, written.
    private let request: JSONObject
    private let contents: [Content]

    /// A content of the request, written: its pieces, one after the other (a translator's kept
    /// parts are not copied into one array first); and for a content made of what was kept for one
    /// message, what it is made of and where hashing it is remembered: a later turn that holds it
    /// after the same digest takes the hash from there instead of hashing it again (SHA-256 of a
    /// megabyte was a fifth of a later turn's CPU time).
    package struct Content: Sendable {
        package let pieces: [[UInt8]]
        /// What `pieces` are made of, compared (by identity first) before a remembered hashing is used.
        package let source: [UInt8]
        package let memo: DerivedValue?

        package init(pieces: [[UInt8]], madeOf source: [UInt8] = [], memo: DerivedValue? = nil) {
            self.pieces = pieces
            self.source = source
            self.memo = memo
        }

        var count: Int { pieces.reduce(0) { $0 + $1.count } }
    }

    /// Hashing a content after `digestBefore`: the hash and the digest after it.
    private struct HashedContent: Sendable {
        let digestBefore: String
        let source: [UInt8]
        let hash: SHA256
        let digestAfter: String
    }
    /// The members that move into the cache and may not be sent beside it.
    private static let cachedMembers = ["systemInstruction", "tools", "toolConfig"]

    /// - Parameters:
    ///   - request: the translated `generateContent` body, its `contents` empty.
    ///   - contents: its contents, each written as the body would hold it.
    ///   - cacheableContents: how many of them the cache may hold (those up to the client's breakpoint).
    package init(
        request: JSONObject, contents: [Content], cacheableContents: Int, model: String, baseURL: String, minimumTokens: Int, timeToLive: Duration
    ) {
        self.request = request
        self.contents = contents
        self.model = model
        self.baseURL = baseURL
        self.minimumTokens = minimumTokens
        self.timeToLive = timeToLive
        creationURL = "\(baseURL)/cachedContents"
        var hash = SHA256()
        var bytes = 0
        func add(_ pieces: [[UInt8]]) {
            for piece in pieces {
                bytes += piece.count
                hash.update(data: piece)
            }
            hash.update(data: [0])
        }
        add([JSONWriter.encode(.string(model))])
        for member in Self.cachedMembers { add([JSONWriter.encode(request[member] ?? .null)]) }
        var digests = [hash.finalize().prefix(16).hexDigits]
        for content in contents.prefix(cacheableContents) {
            let before = digests[digests.count - 1]
            if let kept = content.memo?.get(HashedContent.self), kept.digestBefore == before, kept.source == content.source {
                hash = kept.hash
                bytes += content.count
                digests.append(kept.digestAfter)
                continue
            }
            add(content.pieces)
            digests.append(hash.finalize().prefix(16).hexDigits)
            content.memo?.set(HashedContent(digestBefore: before, source: content.source, hash: hash, digestAfter: digests[digests.count - 1]))
        }
        self.digests = digests
        // About four bytes of JSON a token, as the local estimate counts prose.
        estimatedTokens = bytes / 4
    }

    /// The most contents a cache of this prefix holds.
    package var contentCount: Int { digests.count - 1 }

    /// The request as translated, served from no cache.
    package var plainBody: WrittenJSON { JSONWriter.encode(request, appending: contents.lazy.map(\.pieces), toArrayAt: "contents") }

    /// `POST cachedContents`: the fixed part and the first `contentCount` contents, for `timeToLive`.
    package func creationBody(contentCount: Int) -> WrittenJSON {
        var body = JSONObject()
        body.append("model", .string(model.contains("/") ? model : "models/\(model)"))
        if contentCount > 0 { body.append("contents", []) }
        for member in Self.cachedMembers { if let value = request[member] { body.append(member, value) } }
        body.append("ttl", .string("\(timeToLive.components.seconds)s"))
        return JSONWriter.encode(body, appending: contents.prefix(contentCount).lazy.map(\.pieces), toArrayAt: "contents")
    }

    /// The request served from the cache `name` that holds the first `contentCount` contents: only
    /// the contents after them, and none of the members the cache holds.
    package func requestBody(cachedContent name: String, contentCount: Int) -> WrittenJSON {
        var body = JSONObject()
        for (key, value) in request.members where !Self.cachedMembers.contains(key) { body.append(key, value) }
        body.append("cachedContent", .string(name))
        return JSONWriter.encode(body, appending: contents.dropFirst(contentCount).lazy.map(\.pieces), toArrayAt: "contents")
    }
}
