// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "panggil",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "panggil", targets: ["panggil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // Tests only: the HTTP client for tests against a running `panggil serve` (Foundation's
        // URLSession on Linux has use-after-free crashes in its libcurl layer).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // The domain: tickets, lifecycle, call-next policy, board projection, site model. No I/O.
        .target(name: "PanggilCore"),
        // The site file (YAML) and the embedded demo site.
        .target(name: "PanggilSiteFile", dependencies: [
            "PanggilCore",
            .product(name: "Yams", package: "Yams"),
        ]),
        // The queue store: SQLite through GRDB, the event log and its feed.
        .target(name: "PanggilStore", dependencies: [
            "PanggilCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Spoken calls: voice packs, WAV, rendering announcements into one buffer.
        // Espeak-ng runs through swift-subprocess: Foundation's Process is not safe from several threads.
        .target(name: "PanggilVoice", dependencies: [
            "PanggilCore",
            .product(name: "Subprocess", package: "swift-subprocess"),
        ]),
        // libpulse, the PulseAudio client library (Debian: libpulse-dev).
        .systemLibrary(name: "CPulse", providers: [.apt(["libpulse-dev"])]),
        // Announcements heard through PulseAudio: the `AudioOutput` of production.
        .target(name: "PanggilPulse", dependencies: [
            "CPulse", "PanggilVoice",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // libqrencode (Debian: libqrencode-dev), and QR codes drawn as SVG for printed tickets.
        .systemLibrary(name: "CQRencode", providers: [.apt(["libqrencode-dev"])]),
        .target(name: "PanggilQR", dependencies: ["CQRencode"]),
        // The HTTP API.
        .target(name: "PanggilServer", dependencies: [
            "PanggilCore", "PanggilVoice", "PanggilQR",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        // The `panggil` command: a thin shell over the modules above.
        .executableTarget(name: "panggil", dependencies: [
            "PanggilCore", "PanggilSiteFile", "PanggilStore", "PanggilServer", "PanggilVoice", "PanggilPulse",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Store benchmarks: `scripts/bench store`.
        .target(name: "BenchSupport", path: "Benchmarks/BenchSupport"),
        .executableTarget(name: "panggil-bench", dependencies: [
            "BenchSupport", "PanggilCore", "PanggilSiteFile", "PanggilStore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Benchmarks/panggil-bench"),

        // Fixtures shared by the test targets: small sites, temporary stores, the built binary.
        // Optimised even in test builds: it cross-correlates seconds of recorded audio, which unoptimised
        // code does slowly enough to starve the suites running beside it.
        .target(name: "PanggilTesting", dependencies: ["PanggilCore", "PanggilSiteFile", "BenchSupport"], path: "Tests/PanggilTesting",
                swiftSettings: [.unsafeFlags(["-O"])]),

        // Event-stream fan-out against nginx + nchan: `scripts/bench stream`.
        // Its client reads with epoll and takes the kernel's receive stamps (CEpoll: headers only).
        .systemLibrary(name: "CEpoll", path: "Benchmarks/CEpoll"),
        .executableTarget(name: "panggil-stream-bench", dependencies: [
            "BenchSupport", "CEpoll",
        ], path: "Benchmarks/panggil-stream-bench"),

        // Spoken-call latency through a private PulseAudio daemon: `scripts/bench voice`.
        .executableTarget(name: "panggil-voice-bench", dependencies: [
            "BenchSupport", "PanggilCore", "PanggilSiteFile", "PanggilVoice",
        ], path: "Benchmarks/panggil-voice-bench"),

        // Committed call → the DOM of display pages in headless Chromium: `scripts/bench display`.
        .executableTarget(name: "panggil-display-bench", dependencies: [
            "BenchSupport", "PanggilTesting",
        ], path: "Benchmarks/panggil-display-bench"),

        .testTarget(name: "PanggilCoreTests", dependencies: ["PanggilCore"]),
        .testTarget(name: "PanggilVoiceTests", dependencies: ["PanggilVoice", "PanggilTesting"]),
        .testTarget(name: "PanggilPulseTests", dependencies: [
            "PanggilPulse", "PanggilVoice", "PanggilTesting",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "PanggilSiteFileTests", dependencies: ["PanggilSiteFile", "PanggilTesting"]),
        .testTarget(name: "PanggilStoreTests", dependencies: [
            "PanggilStore", "PanggilSiteFile", "PanggilTesting",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "PanggilServerTests", dependencies: [
            "PanggilServer", "PanggilStore", "PanggilSiteFile", "PanggilTesting", "PanggilVoice", "PanggilPulse", "PanggilQR",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "panggilTests", dependencies: [
            "PanggilStore", "PanggilSiteFile", "PanggilTesting",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
    ]
)
