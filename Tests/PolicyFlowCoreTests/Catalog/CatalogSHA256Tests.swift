import PolicyFlowCore
import Testing

struct CatalogSHA256Tests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func matchesFIPSVectors(input: String, digest: String) {
    #expect(SHA256.hexDigest(Array(input.utf8)) == digest)
  }

  /// Lengths around the 56- and 64-byte padding boundaries, checked against a reference implementation.
  @Test(arguments: [
    (55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"),
    (56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"),
    (63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"),
    (64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"),
    (65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"),
    (119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"),
    (120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"),
  ])
  func padsAtBlockBoundaries(length: Int, digest: String) {
    #expect(SHA256.hexDigest([UInt8](repeating: UInt8(ascii: "x"), count: length)) == digest)
  }

  @Test func hashesAMillionBytesInPieces() {
    var hasher = SHA256()
    for _ in 0..<1000 { hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: 1000)) }
    let digest = hasher.finalize()
    #expect(digest.count == 32)
    #expect(
      digest.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// Pieces of every size from 1 to 130 bytes, fed one after another, give the digest of the
  /// whole: the buffering of a partial block is right whatever the split.
  @Test func piecesOfAnySizeHashLikeTheWhole() {
    let whole = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let expected = SHA256.hexDigest(whole)
    for size in 1...130 {
      var hasher = SHA256()
      var start = 0
      while start < whole.count {
        hasher.update(whole[start..<min(start + size, whole.count)])
        start += size
      }
      #expect(SHA256.hex(hasher.finalize()) == expected, "pieces of \(size) bytes")
    }
  }

  @Test func hexIsTwoLowercaseDigitsAByte() {
    let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xab, 0xff]
    #expect(SHA256.hex(bytes) == "00017f80abff")
  }
}
