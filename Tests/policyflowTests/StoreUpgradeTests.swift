import Foundation
import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// Opening a store written by an earlier release upgrades it, and says so on stderr: the
/// upgrade of a large store takes seconds to minutes.
@Suite(.serialized) struct StoreUpgradeTests {
  @Test func anUpgradeIsAnnouncedOnceAndTheStoreWorksAfterIt() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let db = directory.appendingPathComponent("old.sqlite").path
    // A store as schema version 3 left it, with two policies queued.
    try StoreFixture.writeSchemaThreeStore(at: db, status: "In Process", queued: true)

    let first = try PolicyFlowBinary.run(["queue", "--db", db, "--as", "alice"])
    #expect(first.exitCode == 0, "\(first.stderr)")
    #expect(first.stdout.hasPrefix("queued 2, leased 0, failed 0"))
    // Each migration is announced as it starts: version 4, then each one after it.
    #expect(first.stderr.hasPrefix("Upgrading the store at \(db) to schema version 4 ("))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 5 (messages kept once"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 6 (indexes for what a claim"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 7 (results in force per gid"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 8 (what a claim needs"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 9 (claims on pended policies"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 10 (roles and row-level"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 11 (published catalogs"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 12 (workers say they are alive"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 13 (the queue table vacuumed"))
    #expect(first.stderr.contains("\nUpgraded the store to schema version \(PolicyStore.latestSchemaVersion) in "))

    let second = try PolicyFlowBinary.run(["queue", "--db", db, "--as", "alice"])
    #expect(second.exitCode == 0)
    #expect(second.stderr.isEmpty, "an up-to-date store is opened silently")
    let connection = try SQLiteConnection(path: db)
    #expect(
      try connection.queryOne("SELECT max(version) FROM schema_migrations") { try $0.int(at: 0) }
        == PolicyStore.latestSchemaVersion)

    // A new store is created, not upgraded: nothing on stderr.
    let fresh = try PolicyFlowBinary.run(
      ["init", "--db", directory.appendingPathComponent("new.sqlite").path, "--admin", "bob"])
    #expect(fresh.exitCode == 0)
    #expect(fresh.stderr.isEmpty)
  }
}
