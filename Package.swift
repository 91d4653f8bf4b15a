// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "anthropic-proxy",
    // Mutex (Synchronization) and task executors need macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "anthropic-proxy", targets: ["anthropic-proxy"]),
        .library(name: "ProxyCore", targets: ["ProxyCore"]),
        .library(name: "ProxyServer", targets: ["ProxyServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Already a dependency of Hummingbird; its HTTP request and response parts are what the
        // handlers on client connections see.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Request bodies sent with Content-Encoding gzip or deflate: a maintained streaming binding
        // of the system's zlib, decompressed chunk by chunk up to the body limit.
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        // Already a dependency of Hummingbird; named for graceful shutdown with a grace period.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Already a dependency of Hummingbird; layers the settings' sources (see LayeredSettings).
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        // Reads the YAML configuration file into a tree (swift-configuration's YAML snapshot
        // cannot list a file's channels or model limits, and reads JSON's numbers differently).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Counters and histograms for GET /metrics, with the Prometheus exposition format.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The usage ledger's embedded database: SQLite on NIO's thread pool, with its amalgamation built in.
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        // The usage ledger on a team's PostgreSQL: the maintained driver, with its connection pool.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Client keys' keyed hash (HMAC-SHA-256); already built for postgres-nio.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        /// Pure translation core: wire types, translators, routing, SSE, settings. No networking imports.
        .target(
            name: "ProxyCore",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                // SHA-256 for prompt cache keys (no networking: hashing only).
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA (RS256) for Google service accounts' signed token requests.
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ProxyServer",
            dependencies: [
                "ProxyCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                // Built with Hummingbird: its HTTP/1 channel, wrapped to serve each connection on its event loop.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "anthropic-proxy",
            dependencies: [
                "ProxyServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        /// Benchmark tools (a stub upstream, a checked load of concurrent streams); see scripts/bench.
        .executableTarget(
            name: "anthropic-proxy-bench",
            dependencies: [
                "ProxyCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // CryptoExtras: test keys for Google service accounts' signed token requests.
        .testTarget(name: "ProxyCoreTests", dependencies: ["ProxyCore", .product(name: "CryptoExtras", package: "swift-crypto")], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ProxyServerTests",
            dependencies: [
                "ProxyServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
    ]
)
