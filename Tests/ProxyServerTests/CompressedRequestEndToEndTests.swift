import CompressNIO
import NIOCore
import ProxyCore
import Testing

/// Request bodies compressed with gzip or deflate (Claude Code can compress its requests) are
/// read as if they came as they are, up to the body limit once decompressed; other encodings and
/// broken data get a clear error.
@Suite struct CompressedRequestEndToEndTests {
    static let request: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "Say hello, compressed."]]]

    /// The encodings, each with a body compressed so: raw deflate is what some clients send as `deflate`.
    static func encodings(_ body: [UInt8]) throws -> [(header: String, body: [UInt8])] {
        [("gzip", try compressed(body, .gzip)), ("deflate", try compressed(body, .zlib)), ("deflate", try compressed(body, .deflate))]
    }

    @Test func gzipAndDeflateBodiesGetTheSameAnswerAsPlainOnes() async throws {
        try await ProxyHarness.run { harness in
            let plain = JSONWriter.encode(Self.request)
            harness.fake.enqueue(FakeReply(text: "Hello."))
            let expected = try await harness.send(.POST, "/v1/messages", body: plain)
            let expectedCount = try await harness.send(.POST, "/v1/messages/count_tokens", body: plain)
            #expect(expected.status == 200 && expectedCount.status == 200)
            for (header, body) in try Self.encodings(plain) {
                harness.fake.enqueue(FakeReply(text: "Hello."))
                let reply = try await harness.send(.POST, "/v1/messages", body: body, headers: ["content-encoding": header])
                #expect(reply.status == 200, "\(header): \(String(decoding: reply.body, as: UTF8.self))")
                #expect(try reply.json["content"] == expected.json["content"])
                let count = try await harness.send(.POST, "/v1/messages/count_tokens", body: body, headers: ["content-encoding": header])
                #expect(try count.json == expectedCount.json, "\(header)")
            }
            let sent = harness.fake.receivedRequests
            #expect(sent.count == 4)
            #expect(sent.dropFirst().allSatisfy { $0 == sent[0] }, "the upstream gets the same request however the client's was encoded")
        }
    }

    @Test(arguments: ["/v1/messages", "/v1/messages/count_tokens"])
    func aZipBombIsA413(path: String) async throws {
        // 20 MB of zeros in about 20 KB of gzip, against a 1 MB limit.
        let bomb = try compressed([UInt8](repeating: 0, count: 20 << 20), .gzip)
        #expect(bomb.count < 64 * 1024)
        try await ProxyHarness.run(environment: ["REQUEST_BODY_LIMIT_MB": "1"]) { harness in
            let reply = try await harness.send(.POST, path, body: bomb, headers: ["content-encoding": "gzip"])
            #expect(reply.status == 413)
            #expect(try reply.json["error"]?["type"] == "request_too_large")
            #expect(try reply.json["error"]?["message"]?.stringValue?.contains("REQUEST_BODY_LIMIT_MB") == true)
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }

    @Test func corruptOrCutCompressedDataIsA400() async throws {
        let body = try compressed(JSONWriter.encode(Self.request), .gzip)
        let broken: [(name: String, header: String, body: [UInt8])] = [
            ("garbage after a gzip header", "gzip", Array(body.prefix(10)) + Array("this is not deflate data at all".utf8)),
            ("gzip cut short", "gzip", Array(body.prefix(body.count / 2))),
            ("plain JSON labelled gzip", "gzip", JSONWriter.encode(Self.request)),
            ("gzip with data after its end", "gzip", body + Array("{}".utf8)),
            ("plain JSON labelled deflate", "deflate", JSONWriter.encode(Self.request)),
        ]
        try await ProxyHarness.run { harness in
            for (name, header, data) in broken {
                for path in ["/v1/messages", "/v1/messages/count_tokens"] {
                    let reply = try await harness.send(.POST, path, body: data, headers: ["content-encoding": header])
                    #expect(reply.status == 400, "\(name), \(path)")
                    #expect(try reply.json["error"]?["type"] == "invalid_request_error", "\(name)")
                    #expect(try reply.json["error"]?["message"]?.stringValue?.contains("not valid \(header) data") == true, "\(name)")
                }
            }
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }

    @Test(arguments: ["zstd", "br"])
    func anEncodingTheProxyCannotReadIsA415NamingThoseItCan(encoding: String) async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.send(.POST, "/v1/messages", body: JSONWriter.encode(Self.request), headers: ["content-encoding": encoding])
            #expect(reply.status == 415)
            #expect(try reply.json["error"]?["type"] == "invalid_request_error")
            #expect(try reply.json["error"]?["message"]?.stringValue?.contains("gzip or deflate") == true)
        }
    }
}

/// `bytes` compressed whole with zlib's `algorithm`.
func compressed(_ bytes: [UInt8], _ algorithm: ZlibAlgorithm) throws -> [UInt8] {
    var input = ByteBuffer(bytes: bytes)
    let output = try input.compress(with: algorithm)
    return Array(output.readableBytesView)
}
