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
    guard let best else { return nil }
    // Allow about one edit per three characters, at least one.
    return best.distance <= max(1, min(word.count, best.name.count) / 3) ? best.name : nil
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
