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
  /// libcrypto's SHA-256: `SHA256_Init`, `SHA256_Update` and `SHA256_Final` over a context of
  /// its own where it has them, else its one-shot `SHA256()`. The three are deprecated in OpenSSL
  /// 3 but exported; the one-shot fetches the algorithm anew on every call, which cost 300–500 ns
  /// a digest more than the some 200 ns of hashing 300 bytes (a C loop of a million digests here;
  /// the commit hashes several rows and a link a policy).
  private enum Libcrypto {
    typealias Initialize = @convention(c) (UnsafeMutableRawPointer?) -> Int32
    typealias Update = @convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?, Int) -> Int32
    typealias Finalize = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutableRawPointer?) -> Int32
    typealias OneShot =
      @convention(c) (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?) -> UnsafeMutablePointer<UInt8>?

    case steps(Initialize, Update, Finalize)
    case oneShot(OneShot)

    /// Bytes for a `SHA256_CTX` (112 in OpenSSL 3), with room to spare.
    static let contextBytes = 256

    /// The library's functions, when it can be opened.
    static func open() -> Libcrypto? {
      for name in ["libcrypto.so.3", "libcrypto.so"] {
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
        if let initialize = dlsym(handle, "SHA256_Init"), let update = dlsym(handle, "SHA256_Update"),
          let finalize = dlsym(handle, "SHA256_Final")
        {
          return .steps(
            unsafeBitCast(initialize, to: Initialize.self), unsafeBitCast(update, to: Update.self),
            unsafeBitCast(finalize, to: Finalize.self))
        }
        if let oneShot = dlsym(handle, "SHA256") { return .oneShot(unsafeBitCast(oneShot, to: OneShot.self)) }
        dlclose(handle)
      }
      return nil
    }

    func digest(_ bytes: UnsafeRawBufferPointer, into digest: UnsafeMutablePointer<UInt8>) {
      switch self {
      case .steps(let initialize, let update, let finalize):
        withUnsafeTemporaryAllocation(byteCount: Self.contextBytes, alignment: 16) { context in
          _ = initialize(context.baseAddress)
          _ = update(context.baseAddress, bytes.baseAddress, bytes.count)
          _ = finalize(digest, context.baseAddress)
        }
      case .oneShot(let oneShot):
        _ = oneShot(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, digest)
      }
    }
  }

  private static let libcrypto = Libcrypto.open()

  /// Whether digests come from libcrypto.
  static var usesLibcrypto: Bool { libcrypto != nil }

  /// The SHA-256 of `bytes`, as 32 bytes.
  static func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    if let libcrypto {
      return [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
        libcrypto.digest(bytes, into: buffer.baseAddress!)
        count = 32
      }
    }
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// Writes the SHA-256 of `bytes` (32 bytes) at `digest`, with no array in between: a seal
  /// hashes two nodes for every chain of the store.
  static func digest(_ bytes: UnsafeRawBufferPointer, into digest: UnsafeMutablePointer<UInt8>) {
    if let libcrypto {
      libcrypto.digest(bytes, into: digest)
      return
    }
    var hasher = SHA256()
    hasher.update(bytes)
    for (index, byte) in hasher.finalize().enumerated() { digest[index] = byte }
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
      libcrypto.digest(bytes, into: digest.baseAddress!)
      return SHA256.hex(UnsafeRawBufferPointer(digest))
    }
  }
}
