/// "Did you mean" suggestions for misspelt names: keys, options, operators, codes.
public enum Suggestion {
  /// Words longer than this get no suggestion: nobody mistypes a name that long, and the edit
  /// distance costs the product of the two lengths.
  static let maximumWordLength = 100

  /// The candidate closest to `word`, if it is close enough to be a plausible typo.
  public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
    guard word.utf8.count <= maximumWordLength else { return nil }
    let lowered = Array(word.lowercased())
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate.utf8.count <= maximumWordLength {
      let distance = editDistance(lowered, Array(candidate.lowercased()))
      if distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    // Allow about one edit per three characters, at least one.
    if let best, best.distance <= max(1, min(word.count, best.name.count) / 3) { return best.name }
    return abbreviated(word, among: candidates)
  }

  /// The one candidate `word` abbreviates word by word (`HIGH_RISK_DEST_PEND` for
  /// `HIGH_RISK_DESTINATION_PEND`): as many words, split at `_`, `.` and `-`, each a prefix of the
  /// candidate's; nil when none or several are.
  static func abbreviated(_ word: String, among candidates: some Sequence<String>) -> String? {
    func words(_ text: String) -> [Substring] {
      text.lowercased().split(omittingEmptySubsequences: false) { $0 == "_" || $0 == "." || $0 == "-" }.map {
        Substring($0)
      }
    }
    let parts = words(word)
    guard parts.count > 1, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
    var found: String?
    for candidate in candidates where candidate.utf8.count <= maximumWordLength && candidate != word {
      let theirs = words(candidate)
      guard theirs.count == parts.count, zip(parts, theirs).allSatisfy({ $1.hasPrefix($0) }) else { continue }
      if found != nil { return nil }
      found = candidate
    }
    return found
  }

  /// ` Did you mean 'x'?` when there is a close candidate, else the empty string.
  public static func didYouMean(_ word: String, among candidates: some Sequence<String>) -> String {
    closest(to: word, among: candidates).map { " Did you mean '\($0)'?" } ?? ""
  }

  /// Levenshtein distance with adjacent transpositions counted as one edit.
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          current[j] = Swift.min(current[j], previousPrevious[j - 2] + 1)
        }
      }
      (previousPrevious, previous, current) = (previous, current, previousPrevious)
    }
    return previous[b.count]
  }
}
