public import PolicyFlowCore

extension PolicyStore {
  /// What a submit did.
  public enum SubmitResult: Sendable, Hashable {
    /// The policy is In Process and an activity is queued for a worker.
    case queued
    /// It was already In Process: recorded in its history as "already submitted", nothing queued.
    case alreadySubmitted
  }

  /// The current version of the policy `code`, or nil when there is none.
  public func currentPolicy(_ code: String) throws -> StoredPolicy? {
    try db.queryOne(
      "\(StoredPolicy.select) WHERE code = ? AND is_current = 1", [.text(code)]
    ) {
      try StoredPolicy(row: $0)
    }
  }

  /// Which of `codes` the store already has (any version).
  public func existingCodes(among codes: [String]) throws -> Set<String> {
    guard !codes.isEmpty else { return [] }
    // One statement for the lot (an import asks for a thousand at a time).
    let list = JSON.array(codes.map(JSON.string)).serialized()
    return Set(
      try db.query(
        "SELECT DISTINCT code FROM policy WHERE \(db.dialect.isOneOfStrings("code", jsonArray: "?"))", [.text(list)],
        row: { try $0.string(at: 0) }))
  }

  /// Creates version 1 of a policy in Edit, with a new gid and a status-history row.
  ///
  /// `data` is the whole document; its `code` names the policy, and `processFlow` and
  /// `accessGroup`, when present, are kept in their own columns too.
  @discardableResult
  public func createPolicy(_ data: JSON, source: PolicySource, actor: String) throws -> StoredPolicy {
    try writing {
      let user = try knownUser(actor)
      let created = try insertNewPolicy(
        PolicyImport.Document(data: data, line: 0, file: ""), source: source, actor: actor)
      try requireAccess(user, toPolicy: created.code, accessGroup: created.accessGroup)
      guard let stored = try currentPolicy(created.code) else {
        preconditionFailure("policy \(created.code), created in this transaction, cannot be read back")
      }
      return stored
    }
  }

  /// Creates many policies in one transaction, and with `submit` queues them too: all of
  /// them, or none when any is refused.
  public func createPolicies(_ documents: [JSON], source: PolicySource, actor: String, submit: Bool = false) throws
    -> Int
  {
    try createPolicies(
      documents.map { PolicyImport.Document(data: $0, line: 0, file: "") }, source: source, actor: actor,
      submit: submit)
  }

  /// Creates the policies of imported documents in one transaction (with `submit`, queued
  /// too): all of them, or none when any is refused. A document's original text, when it has
  /// one and the store changes nothing in it, is kept as the policy's data as written.
  public func createPolicies(
    _ documents: [PolicyImport.Document], source: PolicySource, actor: String, submit: Bool = false
  ) throws -> Int {
    try createPolicies(source: source, actor: actor, submit: submit) { create in try create(documents) }
  }

  /// Creates policies batch by batch in one transaction: `feed` is given a `create` function
  /// and calls it for each batch as it reads them. When `feed` (or a batch) throws, nothing
  /// is kept. Returns how many were created.
  ///
  /// An importer holds one batch of parsed documents at a time this way, and can still refuse
  /// the whole import when a later record turns out bad. ``existingCodes(among:)`` may be
  /// called from `feed`.
  public func createPolicies(
    source: PolicySource, actor: String, submit: Bool = false,
    _ feed: (_ create: ([PolicyImport.Document]) throws -> Void) throws -> Void
  ) throws -> Int {
    try writing {
      let user = try knownUser(actor)
      // One time for the whole transaction: formatting it per row was a measurable part of an
      // import.
      let now = clock()
      var created = 0
      try feed { documents in
        let policies = try insertNewPolicies(documents, source: source, actor: actor, at: now)
        for policy in policies {
          try requireAccess(user, toPolicy: policy.code, accessGroup: policy.accessGroup)
        }
        if submit {
          // Each is version 1 in Edit, just made: a submit puts it In Process and queues it.
          let submits = try policies.map { policy in
            PendingOutcome(
              transition: try decide(
                PolicyLifecycle(code: policy.code, version: 1, status: .edit, isLatest: true), .submit),
              version: VersionRow(id: policy.id, gid: policy.gid, version: 1), setsMaker: true)
          }
          try carryOut(submits, actor: actor, at: now)
        }
        created += documents.count
      }
      return created
    }
  }

  static let sourceKey = JSONKey("source")
  static let processFlowKey = JSONKey("processFlow")
  static let accessGroupKey = JSONKey("accessGroup")

  /// Writes the document of the policy row `policyID`, replacing the one it had.
  func storeData(policyID: Int64, _ text: String) throws {
    try requireUnchanged("policy_data", keys: [policyID])
    try db.execute(
      """
      INSERT INTO policy_data (policy_id, data) VALUES (?, ?)
      ON CONFLICT (policy_id) DO UPDATE SET data = excluded.data
      """, [.integer(policyID), .text(text)])
    wrote("policy_data", keys: [policyID])
  }

  /// Inserts version 1 of `document`'s policy, with a new gid and a status-history row.
  func insertNewPolicy(
    _ document: PolicyImport.Document, source defaultSource: PolicySource, actor: String, at time: StoreTime? = nil
  ) throws -> CreatedPolicy {
    try insertNewPolicies([document], source: defaultSource, actor: actor, at: time ?? clock())[0]
  }

  /// Inserts version 1 of each document's policy, each with a new gid and a status-history
  /// row, in a few statements for the lot. A `.jsonl` record that is stored as written is never
  /// built in full. A code the store has, or one given twice, is refused by name.
  func insertNewPolicies(
    _ documents: [PolicyImport.Document], source defaultSource: PolicySource, actor: String, at now: StoreTime
  ) throws -> [CreatedPolicy] {
    guard !documents.isEmpty else { return [] }
    let stamp = DatabaseValue.text(now.iso8601)
    var created: [CreatedPolicy] = []
    var outcomes: [LifecycleOutcome] = []
    var rows: [[DatabaseValue]] = []
    var texts: [String] = []
    var seen: Set<String> = []
    for document in documents {
      // The document's own `source` wins; either way the data carries it, so the rules' source
      // filter and the store's column always agree.
      let given = document.string(Self.sourceKey).flatMap(PolicySource.init(rawValue:))
      let source = given ?? defaultSource
      guard let code = document.code else {
        throw StoreError(.invalidInput, "A policy needs a 'code' string, e.g. \"code\": \"HP-000123\".")
      }
      guard seen.insert(code).inserted else { throw Self.codeExists(code) }
      let outcome = try decide(PolicyLifecycle.newPolicy(code: code), .create)
      let gid = UUIDv4.random()
      let processFlow = document.string(Self.processFlowKey)
      let accessGroup = document.string(Self.accessGroupKey)
      // The text as written when nothing was added to it; serializing a policy of a few KB again
      // was the largest cost of an import.
      if given != nil, let text = document.text {
        texts.append(text)
      } else {
        var data = document.data
        if given == nil { data.set(path: "source", to: .string(source.rawValue)) }
        texts.append(data.serialized())
      }
      rows.append([
        .text(code), 1, .text(gid), .text(outcome.status.rawValue), .text(source.rawValue), DatabaseValue(processFlow),
        DatabaseValue(accessGroup), 1, .text(actor), stamp, stamp, stamp,
      ])
      outcomes.append(outcome)
      created.append(CreatedPolicy(id: 0, code: code, gid: gid, accessGroup: accessGroup))
    }
    // One read for the lot: every policy has a version 1, so a code the store has would break
    // UNIQUE (code, version), which on PostgreSQL ends the whole transaction without saying which.
    let existing = try existingCodes(among: created.map(\.code))
    if let taken = created.first(where: { existing.contains($0.code) }) { throw Self.codeExists(taken.code) }
    let ids = try insertRows(
      rows, into: "policy",
      columns: [
        "code", "version", "gid", "status", "source", "process_flow", "access_group", "is_current", "last_changed_by",
        "data_changed_at", "created_at", "updated_at",
      ], returningIDsBy: "code")
    for index in created.indices {
      guard let id = ids[.text(created[index].code)] else {
        throw StoreError(.damaged, "Policy \(created[index].code) was not written back.")
      }
      created[index].id = id
      // A new policy's chain is kept under this row and has no link yet: nothing to look up.
      auditWrites.knownHeads[created[index].gid] = AuditChain.Head(chain: id, seq: 0, link: AuditChain.genesis)
    }
    try insertRows(
      zip(created, texts).map { [.integer($0.id), .text($1)] }, into: "policy_data", columns: Self.dataColumns,
      policies: Dictionary(
        created.map { ($0.id, AuditChain.Owner(gid: $0.gid, version: 1)) }, uniquingKeysWith: { first, _ in first }))
    try carryOut(
      zip(outcomes, created).map {
        PendingOutcome(transition: $0, version: VersionRow(id: $1.id, gid: $1.gid, version: 1))
      }, actor: actor, at: now)
    return created
  }

  private static func codeExists(_ code: String) -> StoreError {
    StoreError(.alreadyExists, "A policy with code '\(code)' already exists; edit it instead of importing it again.")
  }

  /// A policy ``insertNewPolicy(_:source:actor:at:)`` created: what checking access and
  /// submitting it need, without its document.
  struct CreatedPolicy {
    var id: Int64
    var code: String
    var gid: String
    var accessGroup: String?
  }

  /// Submits the current version of `code` for processing: In Process and queued, in one
  /// transaction. A policy already In Process is recorded as "already submitted".
  @discardableResult
  public func submit(_ code: String, actor: String) throws -> SubmitResult {
    try writing { try submitCurrent(code, actor: actor) }
  }

  /// Submits several policies in one transaction: all of them, or none when one is refused.
  /// Every code is tried, so that a refusal (``SubmitRefusal``) names each code refused, not
  /// only the first; an actor the store does not know is refused once, as a ``StoreError``.
  public func submit(_ codes: [String], actor: String) throws -> [SubmitResult] {
    try writing {
      _ = try knownUser(actor)
      var results = [SubmitResult?](repeating: nil, count: codes.count)
      var problems: [SubmitRefusal.Problem] = []
      // Policies are changed in code order, whatever order they were named in: two submits of
      // the same policies in other orders then lock their rows in one order (PostgreSQL would
      // otherwise end one of them as a deadlock, to be retried).
      for (index, code) in codes.enumerated().sorted(by: { ($0.element, $0.offset) < ($1.element, $1.offset) }) {
        // A refusal comes before the policy is written to; the transaction is rolled back below.
        do {
          results[index] = try submitCurrent(code, actor: actor)
        } catch let error as StoreError {
          problems.append(SubmitRefusal.Problem(index: index, error: error))
        }
      }
      guard problems.isEmpty else { throw SubmitRefusal(problems: problems.sorted { $0.index < $1.index }) }
      return results.compactMap { $0 }
    }
  }

  @discardableResult
  func submitCurrent(_ code: String, actor: String) throws -> SubmitResult {
    let stored = try currentPolicy(code, for: try knownUser(actor))
    let outcome = try decide(stored, .submit)
    let now = clock()
    try carryOut(outcome, on: VersionRow(stored), actor: actor, at: now, setsMaker: true)
    return outcome.isIgnoredAsAlreadySubmitted ? .alreadySubmitted : .queued
  }

  /// Appends one status-history row to the version `policyID` (of `gid`, numbered `version`);
  /// returns its id.
  @discardableResult
  func recordStatus(
    policyID: Int64, gid: String, version: Int, _ row: StatusHistoryRow, actor: String, at time: StoreTime
  ) throws -> Int64 {
    let ids = try insertRows(
      [Self.statusRow(VersionRow(id: policyID, gid: gid, version: version), row, actor: actor, at: time)],
      into: "status_history", columns: Self.statusColumns, returningIDsBy: "policy_id")
    guard let id = ids[.integer(policyID)] else {
      throw StoreError(.damaged, "A status-history row of policy row \(policyID) was not written back.")
    }
    return id
  }

  /// The columns of a status-history row as ``statusRow(_:_:actor:at:)`` gives them.
  static let statusColumns = ["policy_id", "gid", "version", "event", "status", "at", "actor", "note"]

  /// The status-history row `row` of `version` inserts (in ``statusColumns``): one statement of it
  /// for every writer, and for a worker's hashing of it beforehand.
  static func statusRow(_ version: VersionRow, _ row: StatusHistoryRow, actor: String, at time: StoreTime)
    -> [DatabaseValue]
  {
    [
      .integer(version.id), .text(version.gid), .integer(Int64(version.version)), .text(row.event),
      .text(row.status.rawValue), .text(time.iso8601), .text(actor), DatabaseValue(row.note),
    ]
  }

  /// Appends one status-history row to the stored version `stored`.
  @discardableResult
  func recordStatus(of stored: StoredPolicy, _ row: StatusHistoryRow, actor: String, at time: StoreTime) throws
    -> Int64
  {
    try recordStatus(
      policyID: stored.id, gid: stored.policy.gid, version: stored.policy.version, row, actor: actor, at: time)
  }
}
