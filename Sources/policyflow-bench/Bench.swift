import PolicyFlowCore
import PolicyFlowStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Clock, memory and file helpers shared by the scenarios.
enum Bench {
  /// Monotonic nanoseconds, comparable between processes on one machine (CLOCK_MONOTONIC).
  static func nanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
  }

  static func seconds(since start: UInt64) -> Double {
    Double(nanoseconds() - start) / 1e9
  }

  /// This process's peak resident set, in kilobytes: `VmHWM` of /proc/self/status where there is
  /// one. getrusage's `ru_maxrss` is wrong for a process the bench spawns: Linux starts it at the
  /// peak of its parent (exec records the address space it replaces, and a spawned child
  /// replaces a view of the parent's), so every worker child reported the bench's own peak.
  static func peakRSSKilobytes() -> Int {
    if let status = try? readFile("/proc/self/status"),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
      let kilobytes = Int(line.filter(\.isNumber))
    {
      return kilobytes
    }
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_maxrss)
  }

  /// User and system CPU time of this process so far.
  static func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
  }

  static func printError(_ text: String) {
    var line = text
    if !line.hasSuffix("\n") { line += "\n" }
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
  }

  static func progress(_ text: String) { printError("policyflow-bench: \(text)") }

  static func readFile(_ path: String) throws -> String {
    guard let file = fopen(path, "rb") else {
      throw BenchFailure("cannot open \(path): \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = fread(&buffer, 1, buffer.count, file)
      if count == 0 { break }
      bytes.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The machine, for the record next to the numbers.
  static func machine() -> JSON {
    let model = (try? readFile("/proc/cpuinfo"))?.split(separator: "\n")
      .first { $0.hasPrefix("model name") }
      .flatMap { $0.split(separator: ":", maxSplits: 1).last }
      .map { $0.trimmingPrefix(" ") }
    return [
      "cpus": .int(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))),
      "cpu_model": model.map { .string(String($0)) } ?? .null,
    ]
  }

  /// `x` rounded to `places` decimals, as a JSON number.
  static func rounded(_ x: Double, _ places: Int = 1) -> JSON {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    return .double((x * scale).rounded() / scale)
  }

  /// A fresh temporary directory.
  static func temporaryDirectory() throws -> String {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array("\(base)/policyflow-bench.XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw BenchFailure("cannot create a temporary directory in \(base)") }
    return String(cString: made)
  }

  static func removeDirectory(_ path: String) {
    guard let directory = opendir(path) else { return }
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name != "." && name != ".." { unlink("\(path)/\(name)") }
    }
    closedir(directory)
    rmdir(path)
  }

  /// Loads the catalog in `directory`, failing with its findings when it does not load.
  static func loadCatalog(_ directory: String) throws -> Catalog {
    let result = CatalogLoader.load(directory: directory)
    guard let catalog = result.catalog else {
      let findings = result.findings.prefix(5).map { "\($0)" }.joined(separator: "\n")
      throw BenchFailure(
        "the catalog in '\(directory)' does not load (run from the repository root or pass --catalog):\n\(findings)")
    }
    return catalog
  }

  /// Refuses a store that already holds policies: a benchmark measures a fresh book.
  static func requireEmpty(_ store: PolicyStore) throws {
    guard try !store.holdsPolicies() else {
      throw BenchFailure("the store at \(store.path) already holds policies; give --db an empty database")
    }
  }
}
