import Foundation
import Testing

/// Runs the built `policyflow` executable as a user would, capturing stdout, stderr and the exit
/// code.
struct PolicyFlowBinary {
  struct Result {
    var stdout: String
    var stderr: String
    var exitCode: Int32
  }

  /// The package root, from this file's location.
  static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The executable beside the test bundle (`swift build` puts every product in one folder).
  static let executable = product("policyflow")

  /// The benchmark executable, built beside it.
  static let benchExecutable = product("policyflow-bench")

  private static func product(_ name: String) -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory.deleteLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/\(name)")
  }

  /// Runs `policyflow arguments…` (or another `program`) in `directory` (default: the package
  /// root, where the shipped catalog is) with `stdin` as standard input.
  static func run(
    _ arguments: [String], stdin: String? = nil, in directory: URL = packageRoot, environment: [String: String] = [:],
    program: URL = executable
  ) throws -> Result {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "POLICYFLOW_CATALOG")
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let outPipe = Pipe()
    let errPipe = Pipe()
    let inPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = inPipe
    try process.run()
    if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
    try inPipe.fileHandleForWriting.close()
    // Read both pipes before waiting so a large output cannot block the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
      errData = errPipe.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Result(
      stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
      exitCode: process.terminationStatus)
  }

  /// A fresh temporary directory, removed by the caller with `removeItem`.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("policyflow-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
