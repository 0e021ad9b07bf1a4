import Testing

@testable import PolicyFlowStore

struct PostgresURITests {
  @Test(arguments: [
    ("postgresql://db.example.com/pf", true), ("postgres://u@h/pf", true), ("POSTGRESQL://h/pf", true),
    ("/var/lib/pf/store.sqlite", false), ("postgresql:/h", false), ("pg://h", false),
  ])
  func recognizesPostgresURIs(_ text: String, _ isPostgres: Bool) {
    #expect(PostgresURI.isPostgres(text) == isPostgres)
  }

  /// libpq reads only a scheme in lower case: `PostgreSQL://…` was refused by it as an "invalid
  /// connection option". A libpq key=value string is told apart from a file name (SRE trial).
  @Test func aSchemeInAnyCaseReachesLibpqInLowerCaseAndKeywordStringsAreKnown() {
    #expect(PostgresURI.withLowercaseScheme("PostgreSQL://Ann@DB/Pf?host=/X") == "postgresql://Ann@DB/Pf?host=/X")
    #expect(PostgresURI.withLowercaseScheme("store.sqlite") == "store.sqlite")
    #expect(PostgresURI.isKeywordConnectionString("host=/tmp/pg dbname=policyflow user=alice"))
    #expect(PostgresURI.isKeywordConnectionString(" dbname = pf"))
    #expect(!PostgresURI.isKeywordConnectionString("./a=b.sqlite"))
    #expect(!PostgresURI.isKeywordConnectionString("policyflow.sqlite"))
  }

  @Test(arguments: [
    ("postgresql://ann:s3cret@db.example.com:5432/pf", "postgresql://ann@db.example.com:5432/pf"),
    ("postgresql://ann@db/pf?password=s3cret&sslmode=require", "postgresql://ann@db/pf?sslmode=require"),
    ("postgresql:///pf?sslmode=require&password=s3cret", "postgresql:///pf?sslmode=require"),
    ("postgresql:///pf?password=s3cret", "postgresql:///pf"),
    ("postgres://:s3cret@db/pf", "postgres://@db/pf"),
    ("postgresql:///pf?host=/tmp/sock&user=postgres", "postgresql:///pf?host=/tmp/sock&user=postgres"),
  ])
  func redactionRemovesEveryPassword(_ uri: String, _ redacted: String) {
    #expect(PostgresURI.redacted(uri) == redacted)
    #expect(!PostgresURI.redacted(uri).contains("s3cret"))
  }

  @Test func scrubbingRemovesPercentEncodedPasswordsFromMessages() {
    let uri = "postgresql://ann:p%40ss@db/pf"
    #expect(PostgresURI.scrub("rejected p@ss and p%40ss", passwordsOf: uri) == "rejected *** and ***")
  }

  /// The sentence a user without libpq reads: what is missing and the command that installs it.
  @Test func aMissingLibpqSaysWhatToInstall() throws {
    let loaded = LibPQ.load(from: ["libpq-policyflow-test-absent.so.5"])
    let error = try #require(loaded.failure)
    #expect(
      error.message
        == "PostgreSQL stores need libpq, the PostgreSQL client library, which this machine lacks: install it with "
        + "'apt-get install libpq5' (Debian, Ubuntu) or your system's libpq package.")
    #expect(error.description == "PostgreSQL error 58P01 (undefined_file): \(error.message)")
    #expect(!error.isTransient)
    #expect(LibPQ.libraryNames == ["libpq.so.5", "libpq.so", "libpq.5.dylib"])
  }

  @Test func errorsDescribeTheirConditionAndSQLButNoValues() {
    let error = PostgresError(sqlState: "23505", message: "duplicate key", sql: "INSERT INTO t VALUES ($1)")
    #expect(
      error.description == "PostgreSQL error 23505 (unique_violation): duplicate key\n  SQL: INSERT INTO t VALUES ($1)")
    #expect(error.isConstraintViolation && !error.isTransient)
    #expect(PostgresError(sqlState: "40001", message: "").isTransient)
    #expect(PostgresError(sqlState: "08006", message: "").isTransient)
    #expect(PostgresError(sqlState: "53300", message: "").isTransient)
    #expect(!PostgresError(sqlState: "42601", message: "").isTransient)
  }
}

extension Result {
  fileprivate var failure: Failure? {
    if case .failure(let failure) = self { return failure }
    return nil
  }
}
