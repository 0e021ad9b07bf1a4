/// What the driver needs to know about a `postgresql://` connection URI, without parsing more of
/// it than that: libpq reads the URI itself, so every parameter it knows (`sslmode`, `host=` with
/// a socket directory, `service`) and its environment (PGHOST, PGPASSFILE, `.pgpass`) work as
/// they do in psql.
public enum PostgresURI {
  /// Whether `text` names a PostgreSQL database rather than a file: it starts with
  /// `postgresql://` or `postgres://`, in any case.
  public static func isPostgres(_ text: String) -> Bool {
    let lowered = text.prefix(13).lowercased()
    return lowered.hasPrefix("postgresql://") || lowered.hasPrefix("postgres://")
  }

  /// `uri` with its scheme in lower case, as libpq reads it: `PostgreSQL://…` was taken for a
  /// PostgreSQL URI here and refused by libpq as `invalid connection option` (SRE trial).
  static func withLowercaseScheme(_ uri: String) -> String {
    guard isPostgres(uri), let scheme = uri.range(of: "://") else { return uri }
    return uri[..<scheme.lowerBound].lowercased() + uri[scheme.lowerBound...]
  }

  /// Whether `text` is written as libpq's `key=value` connection string (`host=/tmp dbname=x`),
  /// which `--db` does not take: it was taken for an SQLite file of that name.
  public static func isKeywordConnectionString(_ text: String) -> Bool {
    let keywords = ["host", "hostaddr", "port", "dbname", "user", "password", "sslmode", "service", "passfile"]
    let first = text.drop(while: \.isWhitespace).prefix { $0 != "=" && !$0.isWhitespace }
    return text.contains("=") && keywords.contains(first.lowercased())
  }

  /// `uri` safe to print: `postgresql://user:secret@host/db?password=x&sslmode=require` becomes
  /// `postgresql://user@host/db?sslmode=require`. Everything else is kept as written.
  public static func redacted(_ uri: String) -> String {
    guard let scheme = uri.range(of: "://") else { return uri }
    let start = scheme.upperBound
    var rest = uri[start...]
    var result = String(uri[..<start])
    // As libpq does, user credentials are what comes before an '@' met before any '/'.
    if let at = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[at] == "@" {
      let credentials = rest[..<at]
      result += credentials.prefix { $0 != ":" } + "@"
      rest = rest[rest.index(after: at)...]
    }
    guard let question = rest.firstIndex(of: "?") else { return result + rest }
    result += rest[...question]
    let kept = rest[rest.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false)
      .filter { parameter in
        let key = parameter.prefix { $0 != "=" }
        return (key.removingPercentEncoding ?? String(key)).lowercased() != "password"
      }
    result += kept.joined(separator: "&")
    if result.hasSuffix("?") {
      result.removeLast()
    }
    return result
  }

  /// The passwords `uri` holds, as written and percent-decoded, for scrubbing from messages that
  /// might quote them.
  static func passwords(in uri: String) -> [String] {
    var found: [String] = []
    if let scheme = uri.range(of: "://") {
      let rest = uri[scheme.upperBound...]
      if let at = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[at] == "@",
        let colon = rest[..<at].firstIndex(of: ":")
      {
        found.append(String(rest[rest.index(after: colon)..<at]))
      }
    }
    if let question = uri.firstIndex(of: "?") {
      for parameter in uri[uri.index(after: question)...].split(separator: "&") {
        let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        if pair.count == 2, (pair[0].removingPercentEncoding ?? String(pair[0])).lowercased() == "password" {
          found.append(String(pair[1]))
        }
      }
    }
    found += found.compactMap { $0.removingPercentEncoding }
    return found.filter { !$0.isEmpty }
  }

  /// `message` with every password of `uri` replaced by `***`.
  static func scrub(_ message: String, passwordsOf uri: String) -> String {
    // Longest first, so that a password containing another is replaced whole.
    passwords(in: uri).sorted { $0.count > $1.count }.reduce(message) {
      $0.replacing($1, with: "***")
    }
  }
}

extension StringProtocol {
  /// The text with `%XX` escapes decoded, or nil when an escape is malformed or the bytes are not
  /// UTF-8. (Foundation's method of the same name is not available here.)
  fileprivate var removingPercentEncoding: String? {
    var bytes: [UInt8] = []
    var utf8 = Array(self.utf8)[...]
    while let byte = utf8.popFirst() {
      guard byte == UInt8(ascii: "%") else {
        bytes.append(byte)
        continue
      }
      guard utf8.count >= 2, let high = utf8.popFirst().flatMap(hexValue), let low = utf8.popFirst().flatMap(hexValue)
      else { return nil }
      bytes.append(high << 4 | low)
    }
    return String(validating: bytes, as: UTF8.self)
  }
}

/// The value of one hexadecimal digit, or nil.
func hexValue(_ byte: UInt8) -> UInt8? {
  switch byte {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
  case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
  case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
  default: nil
  }
}
