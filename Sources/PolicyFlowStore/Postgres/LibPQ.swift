#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The few libpq functions the driver calls, looked up in the client library at run time.
///
/// The library is opened with `dlopen` rather than linked, so that PolicyFlow builds and runs its
/// SQLite stores on a machine without libpq (or its headers): only opening a PostgreSQL store needs
/// it, and then the error says what to install. The C signatures are declared here by hand; they
/// have been stable since libpq 9.x.
///
/// The function pointers are immutable and point into a library that is never closed, so sharing
/// them between threads is safe (libpq itself is thread-safe as long as one `PGconn` has one user).
struct LibPQ: @unchecked Sendable {
  typealias Connection = OpaquePointer
  typealias Result = OpaquePointer
  typealias NoticeProcessor = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void

  let connectdb: @convention(c) (UnsafePointer<CChar>) -> Connection?
  let connectStart: @convention(c) (UnsafePointer<CChar>) -> Connection?
  let connectPoll: @convention(c) (Connection) -> Int32
  let setErrorVerbosity: @convention(c) (Connection, Int32) -> Int32
  let status: @convention(c) (Connection) -> Int32
  let errorMessage: @convention(c) (Connection) -> UnsafePointer<CChar>?
  let finish: @convention(c) (Connection) -> Void
  let reset: @convention(c) (Connection) -> Void
  let setClientEncoding: @convention(c) (Connection, UnsafePointer<CChar>) -> Int32
  let setNoticeProcessor: @convention(c) (Connection, NoticeProcessor?, UnsafeMutableRawPointer?) -> NoticeProcessor?
  let transactionStatus: @convention(c) (Connection) -> Int32
  let prepare:
    @convention(c) (
      Connection, UnsafePointer<CChar>, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?
    ) -> Result?
  let execPrepared:
    @convention(c) (
      Connection, UnsafePointer<CChar>, Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
      UnsafePointer<Int32>?, Int32
    ) -> Result?
  let execParams:
    @convention(c) (
      Connection, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?,
      UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32
    ) -> Result?
  let exec: @convention(c) (Connection, UnsafePointer<CChar>) -> Result?
  let resultStatus: @convention(c) (Result) -> Int32
  let resultErrorField: @convention(c) (Result, Int32) -> UnsafePointer<CChar>?
  let resultErrorMessage: @convention(c) (Result) -> UnsafePointer<CChar>?
  let ntuples: @convention(c) (Result) -> Int32
  let nfields: @convention(c) (Result) -> Int32
  let fname: @convention(c) (Result, Int32) -> UnsafePointer<CChar>?
  let ftype: @convention(c) (Result, Int32) -> UInt32
  let getisnull: @convention(c) (Result, Int32, Int32) -> Int32
  let getvalue: @convention(c) (Result, Int32, Int32) -> UnsafePointer<CChar>?
  let getlength: @convention(c) (Result, Int32, Int32) -> Int32
  let cmdTuples: @convention(c) (Result) -> UnsafePointer<CChar>?
  let clear: @convention(c) (Result) -> Void
  let socket: @convention(c) (Connection) -> Int32
  let consumeInput: @convention(c) (Connection) -> Int32
  let notifies: @convention(c) (Connection) -> UnsafeMutableRawPointer?
  let freemem: @convention(c) (UnsafeMutableRawPointer?) -> Void

  /// The library, loaded on first use; the error says what to install when it is missing.
  static let loaded: Swift.Result<LibPQ, PostgresError> = load(from: libraryNames)

  /// Where libpq is looked for, in order: the versioned name every Linux runtime package
  /// installs, the unversioned one of development packages, then macOS's.
  static let libraryNames = ["libpq.so.5", "libpq.so", "libpq.5.dylib"]

  /// The sentence shown when no libpq can be opened: what is missing and how to install it.
  static let missingLibraryMessage =
    "PostgreSQL stores need libpq, the PostgreSQL client library, which this machine lacks: install it with "
    + "'apt-get install libpq5' (Debian, Ubuntu) or your system's libpq package."

  /// Returns the loaded library, or throws the error naming what to install.
  static func library() throws -> LibPQ {
    try loaded.get()
  }

  /// Opens the first of `names` that loads.
  static func load(from names: [String]) -> Swift.Result<LibPQ, PostgresError> {
    guard let handle = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else {
      return .failure(PostgresError(sqlState: "58P01", message: missingLibraryMessage))
    }
    do {
      return .success(try LibPQ(handle: handle))
    } catch {
      return .failure(error)
    }
  }

  private init(handle: UnsafeMutableRawPointer) throws(PostgresError) {
    func symbol<F>(_ name: String) throws(PostgresError) -> F {
      guard let address = dlsym(handle, name) else {
        throw PostgresError(
          sqlState: "58P01",
          message: "The libpq on this machine lacks \(name); it is too old for PolicyFlow. "
            + LibPQ.missingLibraryMessage)
      }
      return unsafeBitCast(address, to: F.self)
    }
    connectdb = try symbol("PQconnectdb")
    connectStart = try symbol("PQconnectStart")
    connectPoll = try symbol("PQconnectPoll")
    setErrorVerbosity = try symbol("PQsetErrorVerbosity")
    status = try symbol("PQstatus")
    errorMessage = try symbol("PQerrorMessage")
    finish = try symbol("PQfinish")
    reset = try symbol("PQreset")
    setClientEncoding = try symbol("PQsetClientEncoding")
    setNoticeProcessor = try symbol("PQsetNoticeProcessor")
    transactionStatus = try symbol("PQtransactionStatus")
    prepare = try symbol("PQprepare")
    execPrepared = try symbol("PQexecPrepared")
    execParams = try symbol("PQexecParams")
    exec = try symbol("PQexec")
    resultStatus = try symbol("PQresultStatus")
    resultErrorField = try symbol("PQresultErrorField")
    resultErrorMessage = try symbol("PQresultErrorMessage")
    ntuples = try symbol("PQntuples")
    nfields = try symbol("PQnfields")
    fname = try symbol("PQfname")
    ftype = try symbol("PQftype")
    getisnull = try symbol("PQgetisnull")
    getvalue = try symbol("PQgetvalue")
    getlength = try symbol("PQgetlength")
    cmdTuples = try symbol("PQcmdTuples")
    clear = try symbol("PQclear")
    socket = try symbol("PQsocket")
    consumeInput = try symbol("PQconsumeInput")
    notifies = try symbol("PQnotifies")
    freemem = try symbol("PQfreemem")
  }
}

/// libpq's enumerations and field codes, as the C headers number them.
enum PQ {
  /// `ConnStatusType`.
  static let connectionOK: Int32 = 0
  static let connectionBad: Int32 = 1
  /// `PostgresPollingStatusType`.
  static let pollingFailed: Int32 = 0
  static let pollingReading: Int32 = 1
  static let pollingWriting: Int32 = 2
  /// `PGVerbosity`: messages with their SQLSTATE.
  static let errorsVerbose: Int32 = 2
  /// `ExecStatusType`.
  static let emptyQuery: Int32 = 0
  static let commandOK: Int32 = 1
  static let tuplesOK: Int32 = 2
  /// `PGTransactionStatusType`.
  static let transactionIdle: Int32 = 0
  static let transactionInError: Int32 = 3
  static let transactionUnknown: Int32 = 4
  /// `PG_DIAG_SQLSTATE` and `PG_DIAG_MESSAGE_PRIMARY` for `PQresultErrorField`.
  static let fieldSQLState = Int32(UInt8(ascii: "C"))
  static let fieldPrimaryMessage = Int32(UInt8(ascii: "M"))
}
