// swift-tools-version:6.0
// Ferry: a peer-to-peer edge-forwarding mesh node. See ../shared/DESIGN.md and docs/ARCHITECTURE.md.
import PackageDescription

let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")

let package = Package(
    name: "Ferry",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ferry", targets: ["ferry"]),
        .executable(name: "ferry-bench", targets: ["ferry-bench"]),
        .executable(name: "ferry-sync-bench", targets: ["ferry-sync-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Config files (docs/CONFIG.md); only FerryNode imports it.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, each wrapped by exactly one Swift module.
        .systemLibrary(name: "CLibUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),

        .target(name: "FerryWire"),
        .target(name: "FerryCrypto", dependencies: ["FerryWire", crypto]),
        .target(name: "FerryStore", dependencies: ["FerryWire"]),
        .target(name: "FerrySQLite", dependencies: ["FerryStore", "FerryWire", grdb]),
        .target(name: "FerryCore", dependencies: ["FerryWire", "FerryCrypto", "FerryStore"]),
        .target(name: "FerryLoop", dependencies: ["CLibUV"]),
        .target(name: "FerryTLS", dependencies: ["COpenSSL", "FerryWire"]),
        .target(name: "FerryControl", dependencies: ["FerryWire"]),
        .target(
            name: "FerryNode",
            dependencies: [
                "FerryWire", "FerryCrypto", "FerryStore", "FerrySQLite", "FerryCore",
                "FerryLoop", "FerryTLS", "FerryControl", logging, yams,
            ]
        ),
        // The outage testbed (docs/TESTBED.md): scenarios, the runner, reports. Scenario files are YAML
        // read through FerryNode's Yams-free tree, so Yams keeps one owner.
        .target(name: "FerryTestbed", dependencies: ["FerryNode", "FerryControl", "FerryWire", "FerryCrypto"]),
        .executableTarget(
            name: "ferry", dependencies: ["FerryNode", "FerryControl", "FerryWire", "FerryTestbed", argumentParser]),
        // Benchmarks. FerrySyncMeasure is the reconciliation measurement both benches run; ferry-bench's
        // link-load tool (scenario 12) speaks the link protocol with FerryTLS on FerryLoop, as a node does.
        .target(name: "FerrySyncMeasure", dependencies: ["FerryCore", "FerryWire"], path: "Benchmarks/FerrySyncMeasure"),
        .executableTarget(
            name: "ferry-bench",
            dependencies: ["FerryControl", "FerryWire", "FerryCrypto", "FerryTLS", "FerryLoop", "FerrySyncMeasure"],
            path: "Benchmarks/ferry-bench"
        ),
        .executableTarget(name: "ferry-sync-bench", dependencies: ["FerrySyncMeasure"], path: "Benchmarks/ferry-sync-bench"),

        .testTarget(name: "FerryWireTests", dependencies: ["FerryWire", "FerryCrypto"]),
        .testTarget(name: "FerryCryptoTests", dependencies: ["FerryWire", "FerryCrypto"]),
        .testTarget(name: "FerryStoreTests", dependencies: ["FerryStore", "FerrySQLite", "FerryWire"]),
        .testTarget(name: "FerryCoreTests", dependencies: ["FerryCore", "FerryWire", "FerryCrypto", "FerryStore"]),
        .testTarget(name: "FerryLoopTests", dependencies: ["FerryLoop"]),
        .testTarget(name: "FerryTLSTests", dependencies: ["FerryTLS", "FerryWire"]),
        .testTarget(name: "FerryNodeTests", dependencies: ["FerryNode", "FerryWire", "FerryCrypto", "FerryCore", logging]),
        .testTarget(name: "FerryControlTests", dependencies: ["FerryControl"]),
        .testTarget(name: "FerryTestbedTests", dependencies: ["FerryTestbed", "FerryNode", "FerryControl", "FerryWire"]),
        .testTarget(name: "ArchitectureTests"),
        .testTarget(name: "IntegrationTests", dependencies: ["FerryControl", "FerryWire", "FerryCrypto", "FerryTLS"]),
    ]
)
