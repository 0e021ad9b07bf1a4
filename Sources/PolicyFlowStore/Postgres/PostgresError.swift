/// A failure reported by PostgreSQL or by the driver talking to it.
///
/// The error carries the SQL that failed but never the values bound to it, nor the server's
/// DETAIL line (which quotes the offending row), so it can be logged without leaking policy data;
/// and never a password, which is removed from every message that could quote a connection URI.
public struct PostgresError: DatabaseFailure, Hashable, Sendable {
  /// The five-character SQLSTATE (`23505`). Failures libpq or the driver find on their own side
  /// carry the nearest standard code, so that callers can switch on it alike: `08001` when the
  /// server cannot be reached or refuses the login, `08006` when the connection drops, `08007`
  /// when it dropped during COMMIT, `22021` for text holding NUL, `22023` for a location that is
  /// not a URI, `58P01` (undefined_file) when libpq is not installed.
  public var sqlState: String

  /// The server's primary message, or the driver's sentence.
  public var message: String

  /// The statement or script that failed, when the failure concerns one.
  public var sql: String?

  public init(sqlState: String, message: String, sql: String? = nil) {
    self.sqlState = sqlState
    self.message = message
    self.sql = sql
  }

  /// Whether waiting and retrying the same work may succeed: a conflict with a concurrent
  /// transaction (40001, 40P01), a lost or refused connection (class 08, 57P01–57P03, server
  /// shutting down or starting), or no connection slot free (53300).
  public var isTransient: Bool {
    isConflict || sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(sqlState)
  }

  /// Whether a UNIQUE, NOT NULL, CHECK, FOREIGN KEY or exclusion constraint rejected the change
  /// (SQLSTATE class 23).
  public var isConstraintViolation: Bool { sqlState.hasPrefix("23") }

  /// A serialization failure or deadlock: the transaction lost to a concurrent one and can run
  /// again from its start.
  var isConflict: Bool { sqlState == "40001" || sqlState == "40P01" }

  /// The connection is gone (the server closed it, restarted, or the network failed).
  var isConnectionLost: Bool {
    sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
  }
}

extension PostgresError: CustomStringConvertible {
  /// Reads as `PostgreSQL error 23505 (unique_violation): duplicate key value violates unique
  /// constraint "policy_current_code"`, then the SQL on its own indented line.
  public var description: String {
    var text = "PostgreSQL error \(sqlState)"
    if let name = Self.conditionNames[sqlState] {
      text += " (\(name))"
    }
    text += ": \(message)"
    if let sql {
      text += "\n  SQL: \(sql)"
    }
    return text
  }

  /// PostgreSQL's names for the conditions a store meets (Appendix A of its manual).
  private static let conditionNames: [String: String] = [
    "02000": "no_data", "08000": "connection_exception", "08001": "sqlclient_unable_to_establish_sqlconnection",
    "08003": "connection_does_not_exist", "08004": "sqlserver_rejected_establishment_of_sqlconnection",
    "08006": "connection_failure", "08007": "transaction_resolution_unknown", "08P01": "protocol_violation",
    "22001": "string_data_right_truncation", "22003": "numeric_value_out_of_range",
    "22021": "character_not_in_repertoire", "22023": "invalid_parameter_value", "22P02": "invalid_text_representation",
    "23502": "not_null_violation", "23503": "foreign_key_violation", "23505": "unique_violation",
    "23514": "check_violation", "23P01": "exclusion_violation", "25006": "read_only_sql_transaction",
    "25P02": "in_failed_sql_transaction", "28000": "invalid_authorization_specification",
    "28P01": "invalid_password", "3D000": "invalid_catalog_name", "40001": "serialization_failure",
    "40P01": "deadlock_detected", "42501": "insufficient_privilege", "42601": "syntax_error",
    "42703": "undefined_column", "42P01": "undefined_table", "42P07": "duplicate_table",
    "53300": "too_many_connections", "57014": "query_canceled", "57P01": "admin_shutdown",
    "57P02": "crash_shutdown", "57P03": "cannot_connect_now", "58P01": "undefined_file", "XX000": "internal_error",
  ]
}
