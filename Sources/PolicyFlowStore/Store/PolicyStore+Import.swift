public import PolicyFlowCore

/// Why an import created nothing: every bad record, in file and line order, and any good
/// records in data access groups the importing user does not hold (which alone would have been
/// an ``ImportAccessRefusal``), so that one run names everything to mend.
public struct ImportRefusal: Error, Sendable {
  public var findings: [ImportFinding]
  public var outsideAccessGroups: ImportAccessRefusal?

  public init(findings: [ImportFinding], outsideAccessGroups: ImportAccessRefusal? = nil) {
    self.findings = findings
    self.outsideAccessGroups = outsideAccessGroups
  }
}

/// Why an import created nothing although every record was good: records in data access
/// groups the importing user does not hold, each with its place.
public struct ImportAccessRefusal: Error, Sendable {
  public struct Record: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var code: String
    public var group: String

    /// `{"file", "line", "code", "group"}`, for `--json`.
    public var json: JSON {
      ["file": .string(file), "line": .int(line), "code": .string(code), "group": .string(group)]
    }
  }

  public var actor: String
  public var records: [Record]

  /// One sentence and a line per record.
  public var message: String {
    "User '\(actor)' may not create policies in data access groups the user does not hold; "
      + "\(records.count) record\(records.count == 1 ? "" : "s"):\n"
      + records.map { "  \($0.file):\($0.line): \($0.code) in group '\($0.group)'\n" }.joined()
  }
}

extension PolicyStore {
  /// How many parsed documents an import holds at a time.
  public static let importBatchSize = 1_000

  /// Imports policy files, all or nothing: each file is parsed and its policies are created
  /// batch by batch inside one transaction, so memory holds a few batches of parsed documents,
  /// not the whole import. A bad record (see ``PolicyImport``), a code that appears twice in the
  /// import, or a code the store already has makes the whole import fail with every such
  /// finding, and the transaction is rolled back.
  ///
  /// A file is read and checked on a second thread while the batches read before are created
  /// on this one, which alone uses the store.
  ///
  /// - Parameters:
  ///   - files: each file's name (its extension picks the format) and text, in import order.
  ///   - skippingExisting: when given, a record whose code the store already has is not a
  ///     finding: it is left out, the policy in the store untouched, and its code handed here
  ///     (a migration run again after it landed, a daily feed that repeats yesterday's records),
  ///     with whether the record differs from the policy's current version in a value it gives
  ///     (a feed's change, which this does not apply: members the engine adds are not compared).
  ///   - progress: called now and then, on this thread, with the file being read and the
  ///     fraction read (0…1).
  /// - Returns: how many policies were created.
  /// - Throws: ``ImportRefusal`` with the findings (and the records outside the user's data
  ///   access groups, if any); when there are no findings, ``ImportAccessRefusal`` with those
  ///   records; or a ``StoreError``.
  public func importPolicies(
    _ files: [(name: String, text: String)], source: PolicySource, actor: String, submit: Bool = false,
    progress: ((_ file: String, _ fraction: Double) -> Void)? = nil,
    skippingExisting: ((_ code: String, _ differs: Bool) -> Void)? = nil
  ) throws -> Int {
    var findings: [ImportFinding] = []
    // Records in data access groups the user does not hold: a matter of rights, not of the
    // input, so reported apart from the findings, all of them with their place.
    var outsideGroups: [ImportAccessRefusal.Record] = []
    return try createPolicies(source: source, actor: actor, submit: submit) { create in
      let user = try knownUser(actor)
      var codes = PolicyImport.CodeRegistry()
      for (name, text) in files {
        var fileFindings: [ImportFinding] = []
        let read = Self.read(name, text)
        // A store error ends the import: the reading thread is told to stop (it ends after the
        // record it is reading, rather than read the rest of the file while this import holds
        // the write lock), and the error is thrown once it has.
        var failure: (any Error)?
        while failure == nil, let batch = read.batches.receive() {
          progress?(name, batch.fraction)
          guard !batch.documents.isEmpty else { continue }
          do {
            let fresh = try newDocuments(
              batch.documents, codes: &codes, findings: &fileFindings, skippingExisting: skippingExisting
            ).filter { document in
              guard let group = document.string(Self.accessGroupKey), !Self.mayAccess(user, accessGroup: group) else {
                return true
              }
              outsideGroups.append(
                ImportAccessRefusal.Record(
                  file: document.file, line: document.line, code: document.code ?? "", group: group))
              return false
            }
            // Once anything is wrong the import is refused: reading on only finds the rest.
            if findings.isEmpty && fileFindings.isEmpty && outsideGroups.isEmpty && !batch.badRecordsSoFar {
              try create(fresh)
            }
          } catch let error as PostgresError where error.sqlState == "23505" && error.message.contains("policy_code") {
            // A code taken by a policy that row-level security hides from this login: the check of
            // codes new to the store could not see it, and the server's constraint refused it.
            failure = StoreError(
              .invalidInput,
              "A code in \(name) is taken by a policy already in the store, in a data access group you do not hold "
                + "(so it cannot be named here). An administrator's 'policyflow policies list' shows it.")
            read.batches.cancel()
          } catch {
            failure = error
            read.batches.cancel()
          }
        }
        let parsed = read.job.wait()
        if let failure { throw failure }
        progress?(name, 1)
        findings += PolicyImport.inLineOrder(parsed.rowFindings + fileFindings)
      }
      let access = outsideGroups.isEmpty ? nil : ImportAccessRefusal(actor: actor, records: outsideGroups)
      guard findings.isEmpty else { throw ImportRefusal(findings: findings, outsideAccessGroups: access) }
      if let access { throw access }
    }
  }

  /// A batch of checked documents read from an import file.
  struct ReadBatch: Sendable {
    var documents: [PolicyImport.Document]
    var badRecordsSoFar: Bool
    /// How much of the file had been read.
    var fraction: Double
  }

  /// Starts reading and checking `text` on another thread: its good documents arrive on
  /// `batches`, one batch waiting at most, and the job's result has every finding.
  static func read(_ name: String, _ text: String) -> (
    batches: HandOff<ReadBatch>, job: BackgroundJob<PolicyImport.Result>
  ) {
    let batches = HandOff<ReadBatch>(capacity: 1)
    let job = BackgroundJob {
      // Both closures run here, on the reading thread, while `parse` runs. Progress travels
      // as a batch of no documents too, so that a file whose records are all bad still shows
      // it.
      var fraction = 0.0
      let result = PolicyImport.parse(
        text, file: name, batchSize: importBatchSize,
        progress: { read in
          fraction = read
          batches.send(ReadBatch(documents: [], badRecordsSoFar: false, fraction: read))
        },
        stop: { batches.isCancelled }
      ) { documents, badRecordsSoFar in
        batches.send(ReadBatch(documents: documents, badRecordsSoFar: badRecordsSoFar, fraction: fraction))
      }
      batches.finish()
      return result
    }
    return (batches, job)
  }

  /// The documents of `batch` whose codes are new to the import and to the store; the others
  /// become findings (those the store has go to `skippingExisting` instead, when given).
  private func newDocuments(
    _ batch: [PolicyImport.Document], codes: inout PolicyImport.CodeRegistry, findings: inout [ImportFinding],
    skippingExisting: ((String, Bool) -> Void)?
  ) throws -> [PolicyImport.Document] {
    var fresh: [PolicyImport.Document] = []
    for document in batch {
      if let duplicate = codes.register(document) { findings.append(duplicate) } else { fresh.append(document) }
    }
    let existing = try existingCodes(among: fresh.compactMap(\.code))
    guard !existing.isEmpty else { return fresh }
    let stored = skippingExisting == nil ? [:] : try currentDocuments(of: Array(existing))
    return fresh.filter { document in
      guard let code = document.code, existing.contains(code) else { return true }
      if let skippingExisting {
        skippingExisting(code, stored[code].map { !Self.holds($0, document.data) } ?? true)
        return false
      }
      findings.append(
        ImportFinding(
          file: document.file, line: document.line, column: document.column, field: "code",
          sentence: "'\(code)' already exists in the store; edit it instead of importing it again", code: code))
      return false
    }
  }

  /// The current version's document of each of `codes` the store has.
  private func currentDocuments(of codes: [String]) throws -> [String: JSON] {
    var documents: [String: JSON] = [:]
    try db.forEachRow(
      """
      SELECT p.code, d.data FROM policy p JOIN policy_data d ON d.policy_id = p.id
      WHERE p.is_current = 1 AND \(db.dialect.isOneOfStrings("p.code", jsonArray: "?"))
      """, [.text(JSON.array(codes.map(JSON.string)).serialized())]
    ) { row in
      documents[try row.string(at: 0)] = try JSON(parsing: try row.string(at: 1))
    }
    return documents
  }

  /// Whether `stored` has every value `record` gives, at the same place: the members the engine
  /// adds (`source`, derived fields) are not the record's to compare.
  static func holds(_ stored: JSON, _ record: JSON) -> Bool {
    switch (stored, record) {
    case (.object(let kept), .object(let given)):
      return given.allSatisfy { name, value in kept[name].map { holds($0, value) } ?? false }
    case (.array(let kept), .array(let given)):
      return kept.count == given.count && zip(kept, given).allSatisfy { holds($0, $1) }
    default:
      return stored == record
    }
  }
}
