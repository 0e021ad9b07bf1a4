import Foundation
import PolicyFlowCore
import Testing

struct CatalogHashTests {
  let files = [
    CatalogFile(path: "flows/a.json", contents: "{\"code\": \"A\"}\n"),
    CatalogFile(path: "rules/r.json", contents: "{}\n"),
  ]

  @Test func sameFilesGiveTheSameHashInAnyOrder() {
    let hash = CatalogLoader.contentHash(files)
    #expect(hash == CatalogLoader.contentHash(files.reversed()))
    #expect(hash.hasPrefix("sha256:"))
    #expect(hash.count == 7 + 64)
  }

  @Test func oneChangedByteChangesTheHash() {
    var changed = files
    changed[1].contents = "{ }\n"
    #expect(CatalogLoader.contentHash(files) != CatalogLoader.contentHash(changed))
  }

  @Test func movingBytesBetweenPathAndContentsChangesTheHash() {
    let moved = [CatalogFile(path: "flows/a.jso", contents: "n{\"code\": \"A\"}\n"), files[1]]
    #expect(CatalogLoader.contentHash(files) != CatalogLoader.contentHash(moved))
  }

  @Test func aLoadedCatalogIsHashedOverTheFilesItRead() throws {
    let directory = CatalogTestPaths.fixture("valid")
    let first = try #require(CatalogLoader.load(directory: directory).catalog)
    let second = try #require(CatalogLoader.load(directory: directory).catalog)
    #expect(first.hash == second.hash)
    #expect(first.hash == CatalogLoader.contentHash(first.files))
  }

  @Test func editingOneByteOnDiskChangesTheLoadedHash() throws {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-hash-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: copy) }
    try FileManager.default.copyItem(atPath: CatalogTestPaths.fixture("valid"), toPath: copy)
    let before = try #require(CatalogLoader.load(directory: copy).catalog).hash
    let rules = copy + "/rules/rules.json"
    let text = try String(contentsOfFile: rules, encoding: .utf8)
    try text.replacingOccurrences(of: "Manual review.", with: "Manual review!").write(
      toFile: rules, atomically: true, encoding: .utf8)
    let after = try #require(CatalogLoader.load(directory: copy).catalog).hash
    #expect(before != after)
  }
}
