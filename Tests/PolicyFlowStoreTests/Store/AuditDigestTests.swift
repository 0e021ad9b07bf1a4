import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// The chain hashes through libcrypto when the system has it: its digests must be the Swift
/// SHA-256's, or a store written on one machine would not verify on another.
struct AuditDigestTests {
  @Test(arguments: [0, 1, 55, 56, 63, 64, 65, 1000, 4097])
  func libcryptoAndTheSwiftSHA256Agree(length: Int) {
    let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }
    #expect(AuditDigest.hex(bytes) == SHA256.hexDigest(bytes))
    let text = String(decoding: bytes.map { 0x20 + $0 % 0x5f }, as: UTF8.self) + "é€"
    #expect(AuditDigest.hex(text) == SHA256.hexDigest(Array(text.utf8)))
  }

  @Test func theMachineHasLibcryptoAsTheReleaseImageDoes() {
    // Not a requirement (the Swift SHA-256 serves without it), but on this image it is present,
    // and the comparison above then tests something.
    #expect(AuditDigest.usesLibcrypto)
  }
}
