// Temporary stand-ins until the driver branch merges; deleted at the merge.
public final class PostgresConnection: DatabaseConnection {
  public init(uri: String, relaxedDurability: Bool = false) throws { fatalError() }
  public var dialect: SQLDialect { .postgres }
  public var location: String { "" }
  public func executeScript(_ sql: String) throws {}
  public func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int { 0 }
  public func forEachRow(_ sql: String, _ arguments: [DatabaseValue], _ body: (any DatabaseRow) throws -> Void) throws {
  }
  public func insert(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int64 { 0 }
  public var isInTransaction: Bool { false }
  public func transaction<T>(_ kind: TransactionKind, durability: CommitDurability, _ body: () throws -> T) throws
    -> T
  { try body() }
}
public enum PostgresURI {
  public static func isPostgres(_ text: String) -> Bool { false }
  public static func redacted(_ uri: String) -> String { uri }
}
enum PostgresSchema { static let version9 = "" }
public struct PostgresError: DatabaseFailure {
  public var sqlState: String
  public var message: String
  public var sql: String?
  public var isTransient: Bool { false }
  public var isConstraintViolation: Bool { false }
  public var description: String { message }
}
