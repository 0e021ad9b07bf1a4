import PolicyFlowCore

/// The changes the engine makes to a history row it wrote before, so that `audit verify` can tell
/// them from a row changed behind its back and listed again by a forged link (which the chain alone
/// would take for the engine's: a link appended after the head checks out like any other).
///
/// Nothing but these changes a history row in place:
/// - a revert appends `version N, reverted` to the note of the status-history and pend rows of the
///   version N it removes (`PolicyStore.revert`);
/// - a resolution or a withdrawal closes an open pend reason: `is_open` 1 → 0, with who resolved
///   it, when, the note and the data it was resolved on, or the withdrawal's time;
/// - the approval of a later version, or a cancellation, takes a result out of force (`in_force`
///   1 → 0);
/// - an edit, or a worker's derived fields, replace a version's document, freely;
/// - cycles and cancellations are never changed (``AuditChain/Table/isWrittenOnce``).
extension AuditChain {
  /// The states a row of `table` may have been in before the engine's changes, worked back from
  /// the row as it is (`values`, its covered columns in order), itself included: every earlier
  /// link that lists the row with a hash must have one of these. Nil: any earlier state.
  static func earlierStates(_ table: Int, of values: [DatabaseValue]) -> [[DatabaseValue]]? {
    let spec = tables[table]
    func column(_ name: String) -> Int? { spec.columns.firstIndex(of: "t." + name) }
    switch spec.name {
    case "status_history":
      return [values] + unreverted(values, note: column("note"), version: column("version"))
    case "pend_history":
      var open = values
      for name in ["resolved_by", "resolved_at", "note", "withdrawn_at", "resolved_version", "resolved_data_at"] {
        if let index = column(name) { open[index] = .null }
      }
      if let isOpen = column("is_open") { open[isOpen] = .integer(1) }
      return [values, open] + unreverted(values, note: column("note"), version: column("version"))
    case "calculation":
      guard let inForce = column("in_force") else { return [values] }
      var wasInForce = values
      wasInForce[inForce] = .integer(1)
      return [values, wasInForce]
    default:
      return nil
    }
  }

  /// Whether the removal `entry` of a link listing `entries` is one the engine makes: a revert
  /// removes the document of the version it removes, and that version's cancellation record if it
  /// has one; the engine removes no other history row.
  static func isEnginesRemoval(_ entry: Entry, among entries: [Entry]) -> Bool {
    switch tables[entry.table].name {
    case "policy_data": true
    case "cancellation": entries.contains { tables[$0.table].name == "policy_data" && $0.hash == nil }
    default: false
    }
  }

  /// The row of `table` (its covered columns, `values`) before a revert marked it, when it
  /// carries a revert's mark; nil when it does not.
  static func beforeRevertMark(_ table: Int, _ values: [DatabaseValue]) -> [DatabaseValue]? {
    let spec = tables[table]
    guard spec.name == "status_history" || spec.name == "pend_history" else { return nil }
    return unreverted(
      values, note: spec.columns.firstIndex(of: "t.note"), version: spec.columns.firstIndex(of: "t.version")
    ).first
  }

  /// `values` before a revert marked its note, when it did: the note without `version N,
  /// reverted` (N the row's version) and the `; ` before it, or no note.
  private static func unreverted(_ values: [DatabaseValue], note: Int?, version: Int?) -> [[DatabaseValue]] {
    guard let note, let version, case .text(let text) = values[note], case .integer(let number) = values[version]
    else { return [] }
    // By bytes, as the database joined them: a note ending in a character that joins with the
    // `;` after it would not end in the mark character by character.
    let (bytes, mark) = (Array(text.utf8), Array("version \(number), reverted".utf8))
    let joined = Array("; ".utf8) + mark
    var before = values
    if bytes == mark {
      before[note] = .null
    } else if bytes.count >= joined.count, bytes.suffix(joined.count).elementsEqual(joined) {
      guard let kept = String(validating: bytes.dropLast(joined.count), as: UTF8.self) else { return [] }
      before[note] = .text(kept)
    } else {
      return []
    }
    return [before]
  }
}
