// swift-tools-version:6.0
import PackageDescription

/// Settings shared by every target: Swift 6 mode with strict concurrency, plus the upcoming
/// features that make dependencies and existentials explicit.
let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "PolicyFlow",
  products: [
    .library(name: "PolicyFlowCore", targets: ["PolicyFlowCore"]),
    .executable(name: "policyflow", targets: ["policyflow"]),
    .executable(name: "policyflow-bench", targets: ["policyflow-bench"]),
  ],
  targets: [
    .target(name: "PolicyFlowCore", swiftSettings: swiftSettings),
    // The system sqlite3 C library; `.ci/run` installs libsqlite3-dev when the header is missing.
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),
    .target(
      name: "PolicyFlowStore",
      dependencies: ["PolicyFlowCore", "CSQLite"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "policyflow",
      dependencies: ["PolicyFlowCore", "PolicyFlowStore"],
      swiftSettings: swiftSettings
    ),
    // Benchmarks (BENCHMARKS.md): run with `swift run -c release policyflow-bench <scenario>`.
    .executableTarget(
      name: "policyflow-bench",
      dependencies: ["PolicyFlowCore", "PolicyFlowStore"],
      exclude: ["cases"],
      swiftSettings: swiftSettings
    ),
    // A throwaway PostgreSQL server for tests (`ThrowawayPostgres`), shared by the test targets.
    .target(
      name: "PolicyFlowTestSupport",
      dependencies: ["PolicyFlowStore"],
      path: "Tests/PolicyFlowTestSupport",
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "PolicyFlowCoreTests",
      dependencies: ["PolicyFlowCore", "PolicyFlowTestSupport"],
      exclude: ["Fixtures"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "PolicyFlowStoreTests",
      dependencies: ["PolicyFlowStore", "PolicyFlowTestSupport"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "policyflowTests",
      dependencies: ["policyflow", "policyflow-bench", "PolicyFlowCore", "PolicyFlowStore", "PolicyFlowTestSupport"],
      swiftSettings: swiftSettings
    ),
  ],
  swiftLanguageModes: [.v6]
)
