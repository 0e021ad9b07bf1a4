import PolicyFlowCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SHA-256 for the audit chain, through the system's libcrypto (OpenSSL 3, `libcrypto.so.3`) when
/// it is there, else through ``PolicyFlowCore/SHA256``. Both give the same digests (a test compares
/// them); libcrypto uses the processor's SHA instructions, several times faster.
///
/// Low-level code (a library opened at run time, raw buffers) lives here because the `worker`
/// benchmark pays for it: the commit hashes every history row it writes, and with the Swift
/// SHA-256 alone the chain cost the worker far more than the 5% issue 18 allows (BENCHMARKS.md,
/// "the tamper-evident history"); `policyflow-bench audit` hashes every row of a store.
enum AuditDigest {
  private typealias OneShot =
    @convention(c) (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?) -> UnsafeMutablePointer<UInt8>?

  /// libcrypto's one-shot `SHA256(data, length, digest)`, when the library could be opened.
  private static let libcrypto: OneShot? = {
    for name in ["libcrypto.so.3", "libcrypto.so"] {
      guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL), let symbol = dlsym(handle, "SHA256") else { continue }
      return unsafeBitCast(symbol, to: OneShot.self)
    }
    return nil
  }()

  /// Whether digests come from libcrypto.
  static var usesLibcrypto: Bool { libcrypto != nil }

  /// The SHA-256 of `bytes`, as 32 bytes.
  static func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    if let libcrypto {
      return [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
        _ = libcrypto(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, buffer.baseAddress)
        count = 32
      }
    }
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// The SHA-256 of `bytes` as 64 lowercase hex digits.
  static func hex(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { hex($0) } }

  /// The SHA-256 of the UTF-8 bytes of `text` as 64 lowercase hex digits.
  static func hex(_ text: String) -> String {
    var text = text
    return text.withUTF8 { hex(UnsafeRawBufferPointer($0)) }
  }

  /// The SHA-256 of `bytes` as 64 lowercase hex digits, without an array in between.
  static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
    guard let libcrypto else { return SHA256.hex(digest(bytes)) }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
      _ = libcrypto(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, digest.baseAddress)
      return SHA256.hex(UnsafeRawBufferPointer(digest))
    }
  }
}
