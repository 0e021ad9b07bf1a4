import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

/// The operator commands end to end: import to outcome, pends within rights, edit, revert,
/// cancel, show and explain, through the built binary on a fresh store per test.
@Suite(.serialized) struct OperatorTests {
  static let examples = PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies")

  /// Every row of the tables a command could touch, to prove a refusal changed nothing.
  func dump(_ store: StoreFixture) throws -> String {
    let tables = [
      "policy", "policy_data", "status_history", "pend_history", "cycle", "activity", "app_user", "calculation",
    ]
    return try tables.map { table in
      try store.query("SELECT * FROM \(table) ORDER BY 1") { row in
        (0..<row.columnCount).map { "\(row.value(at: $0))" }.joined(separator: "|")
      }.joined(separator: "\n")
    }.joined(separator: "\n--\n")
  }

  /// A store with users: `uw` an underwriter, `admin1` a data-quality administrator, `outsider`
  /// with no roles, `north` an underwriter of data access group north.
  func storeWithUsers(_ kind: TestStore = .sqlite) throws -> StoreFixture {
    let store = try StoreFixture(kind)
    for (name, options) in [
      ("uw", ["--roles", "underwriter"]), ("clerk", ["--roles", "policy-administrator"]), ("outsider", []),
      ("north", ["--roles", "underwriter", "--groups", "north"]),
    ] {
      let added = try store.run(["users", "add", name, "--as", "tester"] + options)
      #expect(added.exitCode == 0, "\(added.stderr)")
    }
    return store
  }

  /// Imports one example (optionally changed) as `actor`, submits it and runs the worker.
  func process(
    _ store: StoreFixture, _ example: String, as actor: String = "tester", change: (inout JSON) -> Void = { _ in }
  )
    throws -> String
  {
    var policy = try JSON(parsing: String(contentsOf: Self.examples.appendingPathComponent(example), encoding: .utf8))
    change(&policy)
    let file = store.directory.appendingPathComponent(example)
    try policy.serialized().write(to: file, atomically: true, encoding: .utf8)
    let imported = try store.run(["policies", "import", file.path, "--submit", "--as", actor])
    #expect(imported.exitCode == 0, "\(imported.stderr)")
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    return policy[path: "code"]!.stringValue!
  }

  func status(_ store: StoreFixture, _ code: String) throws -> String {
    try store.query("SELECT status FROM policy WHERE code = '\(code)' AND is_current = 1") { try $0.string(at: 0) }
      .first
      ?? ""
  }

  /// Every object that names a step gives its name and display name under the same keys, in
  /// `policies show`, `policies history` and `pends list` (`step` alone meant the name in some and
  /// the display name in others).
  @Test func everyObjectNamingAStepGivesItsNameAndDisplayName() throws {
    let store = try storeWithUsers()
    let pended = try process(store, "health-pended-sum-assured.json")
    let fatal = try process(store, "health-fatal-invalid-data.json")
    let shown = try JSON(parsing: try store.run(["policies", "show", pended, "--json"]).stdout)
    let history = try JSON(parsing: try store.run(["policies", "history", pended, "--json"]).stdout)
    let listed = try JSON(parsing: try store.run(["pends", "list", "--json"]).stdout)
    for object in [
      shown[path: "pendReasons.0"], shown[path: "pendHistory.0"], history[path: "cycles.0.pendReasons.0"],
      listed[path: "0"],
    ] {
      #expect(object?[path: "stepName"] == "underwriting", "\(String(describing: object))")
      #expect(object?[path: "stepDisplayName"] == "Underwriting review", "\(String(describing: object))")
    }
    let messages = try JSON(parsing: try store.run(["policies", "history", fatal, "--json"]).stdout)
    let shownFatal = try JSON(parsing: try store.run(["policies", "show", fatal, "--json"]).stdout)
    for message in [messages[path: "cycles.0.messages.0"], shownFatal[path: "messages.0"]] {
      #expect(message?[path: "stepName"] == "data-quality", "\(String(describing: message))")
      #expect(message?[path: "stepDisplayName"] == "Data quality", "\(String(describing: message))")
    }
  }

  /// What a script that resolves pends and manages users reads back: `pends resolve --json`
  /// says what was resolved, what remains and whether the policy went back to the queue;
  /// `users add|update|remove --json` and `queue retry --json` say what they did.
  @Test func resolvingAndManagingUsersAnswerInJSON() throws {
    let store = try storeWithUsers()
    let code = try process(store, "health-pended-sum-assured.json")
    let resolved = try store.run([
      "pends", "resolve", code, "--all", "--note", "checked", "--as", "uw", "--json",
    ])
    #expect(resolved.exitCode == 0, "\(resolved.stderr)")
    #expect(
      try JSON(parsing: resolved.stdout)
        == [
          "code": .string(code), "resolved": ["SUM_ASSURED_REVIEW"], "remaining": [], "resubmitted": true,
        ])
    let added = try store.run(["users", "add", "zoe", "--roles", "underwriter", "--as", "tester", "--json"])
    #expect(try JSON(parsing: added.stdout) == ["name": "zoe", "roles": ["underwriter"], "groups": [], "admin": false])
    let updated = try store.run(["users", "update", "zoe", "--groups", "north", "--as", "tester", "--json"])
    #expect(try JSON(parsing: updated.stdout)[path: "groups"] == ["north"])
    let removed = try store.run(["users", "remove", "zoe", "--as", "tester", "--json"])
    #expect(try JSON(parsing: removed.stdout) == ["removed": "zoe"])
    let retried = try store.run(["queue", "retry", "--all-failed", "--as", "tester", "--json"])
    #expect(try JSON(parsing: retried.stdout) == ["queuedAgain": 0])
  }

  /// `policies show` says a policy no cycle has run a flow for has none yet (it printed `flow -`),
  /// and names the flow once one ran.
  @Test func showSaysThereIsNoFlowUntilOneRan() throws {
    let store = try StoreFixture()
    let file = Self.examples.appendingPathComponent("health-approved.json").path
    #expect(try store.run(["policies", "import", file, "--as", "tester"]).exitCode == 0)
    let before = try store.run(["policies", "show", "HP-2026-000101"])
    #expect(before.stdout.contains(", no flow yet\n"), "\(before.stdout)")
    #expect(try store.run(["policies", "submit", "HP-2026-000101", "--as", "tester"]).exitCode == 0)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    #expect(try store.run(["policies", "show", "HP-2026-000101"]).stdout.contains(", flow INDIVIDUAL_HEALTH\n"))
  }

  @Test(arguments: TestStore.all) func pendIsResolvedByAnUnderwriterAndTheResubmittedPolicyIsApproved(_ kind: TestStore)
    throws
  {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-pended-sum-assured.json")
    #expect(try status(store, code) == "Pended")
    let listed = try JSON(parsing: try store.run(["pends", "list", "--json"]).stdout)
    #expect(listed[path: "0.policy"] == .string(code))
    #expect(listed[path: "0.reason"] == "SUM_ASSURED_REVIEW")
    #expect(listed[path: "0.step"] == "Underwriting review")
    #expect(listed[path: "0.version"] == 1)
    #expect(listed[path: "0.pendedAt"]?.stringValue != nil)
    // What a script needs to act on the reason: the step's name, the flow, the policy's gid.
    #expect(listed[path: "0.stepName"] == "underwriting")
    #expect(listed[path: "0.flow"] == "INDIVIDUAL_HEALTH")
    let gid = try store.query("SELECT gid FROM policy WHERE code = '\(code)'") { try $0.string(at: 0) }.first
    #expect(listed[path: "0.gid"] == gid.map(JSON.string))
    let resolved = try store.run([
      "pends", "resolve", code, "--reason", "SUM_ASSURED_REVIEW", "--note", "medicals fine", "--as", "uw",
    ])
    #expect(resolved.exitCode == 0, "\(resolved.stderr)")
    #expect(resolved.stdout.contains("In Process again"))
    #expect(try status(store, code) == "In Process")
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    #expect(try status(store, code) == "Approved", "a resolved reason without reattach does not fire again")
    let shown = try JSON(parsing: try store.run(["policies", "show", code, "--json"]).stdout)
    #expect(shown[path: "pendHistory.0.resolvedBy"] == "uw")
    #expect(shown[path: "pendHistory.0.note"] == "medicals fine")
    #expect(shown[path: "pendHistory.0.stepSequence"] == 20)
    #expect(
      shown[path: "statusHistory"]?.arrayValue?.map { $0[path: "status"]!.stringValue! } == [
        "Edit", "In Process", "Pended", "In Process", "Approved",
      ])
    for key in [
      "code", "version", "gid", "status", "processFlow", "data", "messages", "pendReasons", "statusHistory",
      "pendHistory", "calculations",
    ] {
      #expect(shown[path: key] != nil, "show --json has \(key)")
    }
  }

  /// An import may create policies only in data access groups its user holds; every record
  /// outside them is named with its file and line, and nothing is imported.
  @Test(arguments: TestStore.all) func anImportIntoGroupsTheUserDoesNotHoldNamesEveryRecordAndKeepsNothing(
    _ kind: TestStore
  ) throws {
    let store = try storeWithUsers(kind)
    let file = store.directory.appendingPathComponent("groups.jsonl")
    let lines = [("G-1", "north"), ("G-2", "south"), ("G-3", nil), ("G-4", "west")].map { code, group in
      let member = group.map { #", "accessGroup": "\#($0)""# } ?? ""
      return #"{"code": "\#(code)", "lineOfBusiness": "health", "brand": "b"\#(member)}"#
    }
    try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    let refused = try store.run(["policies", "import", file.path, "--as", "north"])
    #expect(refused.exitCode == 77)
    #expect(
      refused.stderr
        == "Error: User 'north' may not create policies in data access groups the user does not hold; 2 records:\n"
        + "  \(file.path):2: G-2 in group 'south'\n  \(file.path):4: G-4 in group 'west'\nNothing was imported.\n")
    #expect(try store.count("SELECT count(*) FROM policy") == 0)
    let json = try store.run(["policies", "import", file.path, "--json", "--as", "north"])
    #expect(json.exitCode == 77)
    #expect(
      try JSON(parsing: json.stdout)[path: "outsideAccessGroups"]
        == [
          ["file": .string(file.path), "line": 2, "code": "G-2", "group": "south"],
          ["file": .string(file.path), "line": 4, "code": "G-4", "group": "west"],
        ])
    let admin = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(admin.exitCode == 0, "\(admin.stderr)")
    #expect(try store.count("SELECT count(*) FROM policy") == 4)
  }

  /// An import with bad records and records outside the user's groups names both in one run
  /// (the bad records decide the exit code), so that the user mends everything at once.
  @Test(arguments: TestStore.all) func anImportWithBadRecordsAlsoNamesTheRecordsOutsideTheUsersGroups(_ kind: TestStore)
    throws
  {
    let store = try storeWithUsers(kind)
    let file = store.directory.appendingPathComponent("mixed.jsonl")
    try [
      #"{"code": "M-1", "lineOfBusiness": "health", "brand": "b", "accessGroup": "north"}"#,
      #"{"code": "M-2", "lineOfBusiness": "health", "accessGroup": "north"}"#,
      #"{"code": "M-3", "lineOfBusiness": "health", "brand": "b", "accessGroup": "south"}"#,
    ].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    let refused = try store.run(["policies", "import", file.path, "--as", "north"])
    #expect(refused.exitCode == 65)
    #expect(
      refused.stderr
        == "\(file.path):2: brand: missing; every policy needs a brand\n"
        + "User 'north' may not create policies in data access groups the user does not hold; 1 record:\n"
        + "  \(file.path):3: M-3 in group 'south'\n"
        + "Error: 1 problem in 1 record and 1 record outside your data access groups; nothing was imported.\n")
    let json = try store.run(["policies", "import", file.path, "--json", "--as", "north"])
    #expect(json.exitCode == 65)
    let report = try JSON(parsing: json.stdout)
    #expect(report[path: "findings"]?.arrayValue?.map { $0[path: "line"] } == [2])
    #expect(
      report[path: "outsideAccessGroups"] == [["file": .string(file.path), "line": 3, "code": "M-3", "group": "south"]])
    #expect(try store.count("SELECT count(*) FROM policy") == 0)
  }

  /// `show` lists the messages of the last cycle, from its stored outcome: a cycle replaces
  /// them, and the earlier cycles keep theirs for `explain`.
  @Test(arguments: TestStore.all) func showListsTheMessagesOfTheLastCycleOnly(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-fatal-under-age.json")
    #expect(try status(store, code) == "Edit")
    func messages() throws -> [JSON] {
      try JSON(parsing: try store.run(["policies", "show", code, "--json"]).stdout)[path: "messages"]?.arrayValue ?? []
    }
    let fatal: JSON = [
      "code": "MSG_AGE_OUT_OF_RANGE", "severity": "fatal",
      "text":
        "The policyholder is 15 on the start date 2026-01-01; individual health cover is available from age 18 up to and including age 75.",
      "rule": "POLICYHOLDER_AGE_OUT_OF_RANGE", "step": "underwriting", "stepName": "underwriting",
      "stepDisplayName": "Underwriting review",
    ]
    let age15: JSON = [
      "code": "MSG_AGE_AT_START", "severity": "informative",
      "text": "The policyholder is 15 on the start date; the age is recorded for underwriting and pricing.",
      "rule": "AGE_AT_START_RECORDED", "step": "underwriting", "stepName": "underwriting",
      "stepDisplayName": "Underwriting review",
    ]
    #expect(try messages() == [fatal, age15])
    let text = try store.run(["policies", "show", code])
    #expect(text.stdout.contains("FATAL MSG_AGE_OUT_OF_RANGE: The policyholder is 15"))

    // Processed again unchanged: the same two, not four.
    #expect(try store.run(["policies", "submit", code, "--as", "tester"]).exitCode == 0)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    #expect(try messages() == [fatal, age15])

    // Fixed and processed again: only the new cycle's message is current.
    let edited = try store.run([
      "policies", "edit", code, "--set", #"policyholder.dateOfBirth="1990-05-20""#, "--as", "tester",
    ])
    #expect(edited.exitCode == 0, "\(edited.stderr)")
    #expect(try store.run(["policies", "submit", code, "--as", "tester"]).exitCode == 0)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    #expect(try status(store, code) == "Approved")
    #expect(try messages().map { $0[path: "code"] } == ["MSG_AGE_AT_START"])
    #expect(try messages().first?[path: "text"]?.stringValue?.hasPrefix("The policyholder is 35 ") == true)
    #expect(try store.query("SELECT count(*) FROM cycle") { try $0.int(at: 0) } == [3])
  }

  @Test(arguments: [
    (["--as", "ghost"], "not known to this store"),
    (["--as", "outsider"], "needs one of the roles underwriter, senior-underwriter"),
    (["--as", "clerk"], "needs one of the roles underwriter"),
  ])
  func resolveWithoutTheRightIsRefusedWith77AndChangesNothing(actor: [String], phrase: String) throws {
    let store = try storeWithUsers()
    let code = try process(store, "health-pended-sum-assured.json")
    let before = try dump(store)
    let refused = try store.run(["pends", "resolve", code, "--all", "--note", "x"] + actor)
    #expect(refused.exitCode == 77)
    #expect(refused.stderr.hasPrefix("Error: "))
    #expect(refused.stderr.contains(phrase), "\(refused.stderr)")
    #expect(try dump(store) == before)
  }

  @Test(arguments: TestStore.all) func authorityLimitsWhatAnUnderwriterMayResolve(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    // The underwriting step's authority goes up to a sum assured of 2,000,000.00.
    let code = try process(store, "health-pended-sum-assured.json") { $0.set(path: "sumAssured", to: 300_000_000) }
    let before = try dump(store)
    let refused = try store.run(["pends", "resolve", code, "--all", "--note", "x", "--as", "uw"])
    #expect(refused.exitCode == 77)
    #expect(refused.stderr.contains("beyond the authority"), "\(refused.stderr)")
    #expect(try dump(store) == before)
  }

  @Test(arguments: TestStore.all) func makerCheckerRefusesTheUserWhoSubmittedThePolicy(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-pended-sum-assured.json", as: "uw")
    let before = try dump(store)
    let refused = try store.run(["pends", "resolve", code, "--all", "--note", "x", "--as", "uw"])
    #expect(refused.exitCode == 77)
    #expect(refused.stderr.contains("maker-checker"), "\(refused.stderr)")
    #expect(try dump(store) == before)
  }

  @Test(arguments: TestStore.all) func dataAccessGroupHidesAndProtectsAPolicy(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-pended-sum-assured.json") { $0.set(path: "accessGroup", to: "north") }
    #expect(try JSON(parsing: try store.run(["policies", "list", "--json", "--as", "uw"]).stdout) == [])
    #expect(try JSON(parsing: try store.run(["pends", "list", "--json", "--as", "uw"]).stdout) == [])
    let hidden = try store.run(["policies", "show", code, "--as", "uw"])
    #expect(hidden.exitCode == 77)
    #expect(hidden.stderr.contains("data access group 'north'"))
    let before = try dump(store)
    let refused = try store.run(["pends", "resolve", code, "--all", "--note", "x", "--as", "uw"])
    #expect(refused.exitCode == 77)
    #expect(try dump(store) == before)
    let allowed = try store.run(["pends", "resolve", code, "--all", "--note", "ok", "--as", "north"])
    #expect(allowed.exitCode == 0, "\(allowed.stderr)")
  }

  @Test(arguments: TestStore.all) func unknownUserMayNotImportOrEdit(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-approved.json")
    let before = try dump(store)
    let file = Self.examples.appendingPathComponent("group-approved.json").path
    for arguments in [
      ["policies", "import", file], ["policies", "edit", code, "--set", "maxUsers=2"], ["policies", "submit", code],
    ] {
      let refused = try store.run(arguments + ["--as", "ghost"])
      #expect(refused.exitCode == 77, "\(arguments)")
      #expect(refused.stderr.contains("User 'ghost' is not known"))
    }
    #expect(try dump(store) == before)
  }

  @Test(arguments: TestStore.all) func editOfAnApprovedPolicyMakesVersionTwoAndRevertRestoresVersionOne(
    _ kind: TestStore
  ) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-approved.json")
    let edited = try store.run([
      "policies", "edit", code, "--set", #"policyholder.email="new@example.org""#, "--as", "clerk",
    ])
    #expect(edited.exitCode == 0, "\(edited.stderr)")
    #expect(edited.stdout.contains("version 2 (new version)"))
    let v2 = try JSON(parsing: try store.run(["policies", "show", code, "--json"]).stdout)
    #expect(v2[path: "version"] == 2)
    #expect(v2[path: "status"] == "Edit")
    #expect(v2[path: "data.policyholder.email"] == "new@example.org")
    #expect(v2[path: "data.source"] == "manual", "an edit by a person makes the source manual")
    let v1 = try JSON(parsing: try store.run(["policies", "show", code, "--version", "1", "--json"]).stdout)
    #expect(v1[path: "status"] == "Approved")
    #expect(v1[path: "gid"] == v2[path: "gid"])
    let reverted = try store.run(["policies", "revert", code, "--as", "clerk"])
    #expect(reverted.exitCode == 0, "\(reverted.stderr)")
    let current = try JSON(parsing: try store.run(["policies", "show", code, "--json"]).stdout)
    #expect(current[path: "version"] == 1)
    #expect(current[path: "status"] == "Approved")
    #expect(try store.count("SELECT count(*) FROM policy WHERE code = '\(code)'") == 1)
  }

  /// An edit of an Approved (or Edit) version that gives every field the value it has does
  /// nothing (it made version 2 of an approved policy, to be approved again, and made its source
  /// manual); of a Pended one it still sends it back to Edit. A path set twice, or inside another
  /// set whole, is a usage error, as a member given twice is refused by an import.
  @Test(arguments: TestStore.all) func anEditThatChangesNothingDoesNothing(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-approved.json")
    let before = try dump(store)
    let currency = try #require(try store.show(code)[path: "data.currency"]?.stringValue)
    let same = try store.run(["policies", "edit", code, "--set", "currency=\"\(currency)\"", "--as", "clerk"])
    #expect(same.exitCode == 0, "\(same.stderr)")
    #expect(
      same.stdout
        == "\(code): nothing changed: the edit gives every field the value it has; the policy stays Approved, version 1.\n"
    )
    let json = try store.run(["policies", "edit", code, "--set", "currency=\"\(currency)\"", "--as", "clerk", "--json"])
    #expect(
      try JSON(parsing: json.stdout) == [
        "code": .string(code), "status": "Approved", "version": 1, "changed": false, "newVersion": false,
        "withdrawnPendReasons": 0,
      ])
    #expect(try dump(store) == before, "nothing written")
    let twice = try store.run([
      "policies", "edit", code, "--set", #"currency="JPY""#, "--set", "currency=\"\(currency)\"", "--as", "clerk",
    ])
    #expect(twice.exitCode == 64)
    #expect(twice.stderr.hasPrefix("Error: 'currency' is set twice; give each path one --set."), "\(twice.stderr)")
    let overlapping = try store.run([
      "policies", "edit", code, "--set", #"policyholder={"name": "A"}"#, "--set", #"policyholder.email="a@b.c""#,
      "--as", "clerk",
    ])
    #expect(overlapping.exitCode == 64)
    #expect(overlapping.stderr.contains("'policyholder.email' and 'policyholder' overlap"), "\(overlapping.stderr)")
    #expect(try dump(store) == before)

    // Of a Pended policy the same edit is a transition of its own: back to Edit, its pends withdrawn.
    let pended = try process(store, "health-pended-sum-assured.json")
    let sum = try #require(try store.show(pended)[path: "data.sumAssured"])
    let back = try store.run([
      "policies", "edit", pended, "--set", "sumAssured=\(sum.serialized())", "--as", "clerk", "--json",
    ])
    #expect(back.exitCode == 0, "\(back.stderr)")
    #expect(try JSON(parsing: back.stdout)[path: "changed"] == true)
    #expect(try status(store, pended) == "Edit")
  }

  /// MANUAL_ENTRY_REVIEW reattaches: resolving it lets the policy through on that data, and an
  /// edit brings it back.
  @Test(arguments: TestStore.all) func reattachingReasonHoldsForTheDataItWasResolvedOnAndReturnsAfterAnEdit(
    _ kind: TestStore
  ) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-pended-manual-entry.json")
    #expect(try status(store, code) == "Pended")
    let resolved = try store.run(["pends", "resolve", code, "--all", "--note", "entry checked", "--as", "clerk"])
    #expect(resolved.exitCode == 0, "\(resolved.stderr)")
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    #expect(try status(store, code) == "Approved")
    #expect(try store.run(["policies", "edit", code, "--set", "maxUsers=1", "--as", "clerk"]).exitCode == 0)
    #expect(try store.run(["policies", "submit", code, "--as", "clerk"]).exitCode == 0)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    #expect(try status(store, code) == "Pended", "after the edit the reason is attached again")
    let reasons = try store.query("SELECT reason FROM pend_history WHERE is_open = 1") { try $0.string(at: 0) }
    #expect(reasons == ["MANUAL_ENTRY_REVIEW"])

    // The review is a second person's: whoever last changed the entry may not resolve it.
    let own = try store.run(["pends", "resolve", code, "--all", "--note", "my own entry is fine", "--as", "clerk"])
    #expect(own.exitCode == 77)
    #expect(
      own.stderr.contains(
        "requires a second person (maker-checker), and 'clerk' created, imported, edited or submitted the data of version 2"
      ))
    #expect(try status(store, code) == "Pended")
    #expect(
      try store.run(["users", "add", "clerk2", "--roles", "policy-administrator", "--as", "tester"]).exitCode == 0)
    let second = try store.run([
      "pends", "resolve", code, "--all", "--note", "checked by a second person", "--as", "clerk2",
    ])
    #expect(second.exitCode == 0, "\(second.stderr)")
  }

  @Test(arguments: TestStore.all) func editWithADataFileReplacesTheDocumentAndBadValuesAreUsageErrors(_ kind: TestStore)
    throws
  {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-fatal-invalid-data.json")
    #expect(try status(store, code) == "Edit")
    var fixed = try JSON(parsing: try store.run(["policies", "show", code, "--json"]).stdout)[path: "data"]!
    fixed.set(path: "policyholder.country", to: "NL")
    fixed.set(path: "endDate", to: "2027-06-30")
    let file = store.directory.appendingPathComponent("fixed.json")
    try fixed.serialized().write(to: file, atomically: true, encoding: .utf8)
    let edited = try store.run(["policies", "edit", code, "--data", file.path, "--as", "clerk"])
    #expect(edited.exitCode == 0, "\(edited.stderr)")
    #expect(edited.stdout.contains("Edit, version 1."))
    #expect(try store.run(["policies", "submit", code, "--as", "clerk"]).exitCode == 0)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    #expect(try status(store, code) == "Approved", "the fixed policy passes its flow")
    let notJSON = try store.run(["policies", "edit", code, "--set", "brand=acme", "--as", "clerk"])
    #expect(notJSON.exitCode == 64)
    #expect(notJSON.stderr.contains("quote strings"))
    let both = try store.run(["policies", "edit", code, "--set", "a=1", "--data", file.path, "--as", "clerk"])
    #expect(both.exitCode == 64)
  }

  @Test(arguments: TestStore.all) func editThatWouldBreakEngineFieldsIsRefusedLikeAnImport(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-fatal-invalid-data.json")
    let before = try dump(store)
    let refused = try store.run([
      "policies", "edit", code, "--set", "sumAssured=12.5", "--set", #"currency="EURO""#, "--as", "clerk",
    ])
    #expect(refused.exitCode == 65)
    #expect(refused.stderr.contains("currency: 'EURO' is not an ISO 4217 currency code"))
    #expect(refused.stderr.contains("sumAssured: number 12.5 is not an amount in minor units"))
    #expect(try dump(store) == before)
  }

  @Test(arguments: TestStore.all) func submittingSeveralPoliciesIsAllOrNothing(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let files = ["health-approved.json", "group-approved.json"].map { Self.examples.appendingPathComponent($0).path }
    #expect(try store.run(["policies", "import"] + files + ["--as", "tester"]).exitCode == 0)
    let before = try dump(store)
    let refused = try store.run(["policies", "submit", "HP-2026-000101", "GP-2026-000201", "NOPE", "--as", "tester"])
    #expect(refused.exitCode == 1)
    #expect(refused.stderr.contains("No policy with code 'NOPE'"))
    #expect(try dump(store) == before)
    let submitted = try store.run(["policies", "submit", "HP-2026-000101", "GP-2026-000201", "--as", "tester"])
    #expect(submitted.exitCode == 0)
    #expect(try store.count("SELECT count(*) FROM activity") == 2)
  }

  @Test(arguments: TestStore.all) func listFiltersByStatusAndFlow(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    _ = try process(store, "health-approved.json")
    _ = try process(store, "health-pended-sum-assured.json")
    _ = try process(store, "group-approved.json")
    func codes(_ filters: [String]) throws -> [String] {
      let listed = try JSON(parsing: try store.run(["policies", "list", "--json", "--as", "tester"] + filters).stdout)
      return (listed.arrayValue ?? []).compactMap { $0[path: "code"]?.stringValue }
    }
    #expect(try codes(["--status", "Approved"]) == ["GP-2026-000201", "HP-2026-000101"])
    #expect(try codes(["--status", "Pended", "--flow", "INDIVIDUAL_HEALTH"]) == ["HP-2026-000102"])
    #expect(try codes(["--flow", "EMPLOYER_GROUP"]) == ["GP-2026-000201"])
    // Several statuses list the policies of any of them, as replay's do.
    #expect(
      try codes(["--status", "Pended", "--status", "Approved"]) == [
        "GP-2026-000201", "HP-2026-000101", "HP-2026-000102",
      ])
    let bad = try store.run(["policies", "list", "--status", "Aproved"])
    #expect(bad.exitCode == 64)
    #expect(bad.stderr.contains("Did you mean 'Approved'?"))
    // A status is a name: any case will do (it was refused, with the right suggestion).
    #expect(try codes(["--status", "approved"]) == ["GP-2026-000201", "HP-2026-000101"])
    #expect(try codes(["--status", "PENDED"]) == ["HP-2026-000102"])
  }

  @Test(arguments: TestStore.all) func editOfAPendedPolicyWithdrawsItsPendsAndKeepsTheVersion(_ kind: TestStore) throws
  {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-pended-sum-assured.json")
    let edited = try store.run(["policies", "edit", code, "--set", "sumAssured=10000000", "--as", "clerk"])
    #expect(edited.exitCode == 0, "\(edited.stderr)")
    #expect(edited.stdout.contains("1 open pend reason(s) withdrawn"))
    #expect(try status(store, code) == "Edit")
    #expect(try store.count("SELECT count(*) FROM pend_history WHERE is_open = 0 AND withdrawn_at IS NOT NULL") == 1)
    #expect(try store.count("SELECT count(*) FROM policy") == 1)
    // Show says who withdrew it and by which act, as history does.
    let shown = try store.succeed(["policies", "show", code, "--as", "clerk"]).stdout
    #expect(shown.contains(" by clerk (edit)\n"), "\(shown)")
    let json = try store.show(code)
    #expect(json[path: "pendHistory.0.withdrawnBy"] == "clerk")
    #expect(json[path: "pendHistory.0.withdrawnByEvent"] == "edit", "\(json)")
  }

  @Test(arguments: [
    (["policies", "revert", "CODE"], "revert"),
    (["policies", "cancel", "CODE", "--date", "2026-04-01", "--reason", "test"], "cancel"),
    (["pends", "resolve", "CODE", "--all", "--note", "x"], "no open pend reasons"),
  ])
  func refusedTransitionsChangeNothing(arguments: [String], phrase: String) throws {
    let store = try storeWithUsers()
    let file = Self.examples.appendingPathComponent("health-approved.json").path
    #expect(try store.run(["policies", "import", file, "--as", "tester"]).exitCode == 0)
    let code = "HP-2026-000101"
    let before = try dump(store)
    let refused = try store.run(arguments.map { $0 == "CODE" ? code : $0 } + ["--as", "tester"])
    #expect(refused.exitCode == 1, "\(refused.stderr)")
    #expect(refused.stderr.hasPrefix("Error: "))
    #expect(refused.stderr.lowercased().contains(phrase), "\(refused.stderr)")
    #expect(try dump(store) == before)
  }

  @Test(arguments: TestStore.all) func editWhileInProcessIsRefused(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let file = Self.examples.appendingPathComponent("health-approved.json").path
    #expect(try store.run(["policies", "import", file, "--submit", "--as", "tester"]).exitCode == 0)
    let before = try dump(store)
    let refused = try store.run(["policies", "edit", "HP-2026-000101", "--set", "maxUsers=1", "--as", "tester"])
    #expect(refused.exitCode == 1)
    #expect(refused.stderr.contains("In Process"))
    #expect(try dump(store) == before)
  }

  @Test(arguments: TestStore.all) func cancelRefusesADateThatIsNotOnTheCalendar(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-approved.json")
    let badDate = try store.run([
      "policies", "cancel", code, "--date", "2026-02-30", "--reason", "test", "--as", "clerk",
    ])
    #expect(badDate.exitCode == 64)
    // A cancellation says why: a blank reason is refused, as a missing one is.
    let blank = try store.run(["policies", "cancel", code, "--date", "2026-06-01", "--reason", "  ", "--as", "clerk"])
    #expect(blank.exitCode == 65)
    #expect(blank.stderr.hasPrefix("Error: A cancellation needs a reason; give one"), "\(blank.stderr)")
    #expect(try status(store, code) == "Approved")
  }

  @Test(arguments: TestStore.all) func revertKeepsTheRemovedVersionsHistory(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-approved.json")
    #expect(try store.run(["policies", "edit", code, "--set", "maxUsers=1", "--as", "clerk"]).exitCode == 0)
    #expect(try store.run(["policies", "revert", code, "--as", "clerk"]).exitCode == 0)
    #expect(try store.count("SELECT count(*) FROM status_history WHERE note LIKE '%version 2, reverted%'") == 1)
    let shown = try JSON(parsing: try store.run(["policies", "show", code, "--json"]).stdout)
    #expect(shown[path: "version"] == 1)
    #expect(shown[path: "statusHistory"]?.arrayValue?.count == 5, "import, submit, approve, the v2 edit, the revert")
    let explained = try JSON(parsing: try store.run(["policies", "explain", code, "--json"]).stdout)
    #expect(explained[path: "cycle.status"] == "Approved", "explain shows version 1's own cycle")
  }

  @Test(arguments: TestStore.all) func resolvingKeepsTheMakerForMakerChecker(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-pended-sum-assured.json", as: "clerk")
    #expect(try store.run(["pends", "resolve", code, "--all", "--note", "ok", "--as", "uw"]).exitCode == 0)
    #expect(try store.query("SELECT last_changed_by FROM policy") { try $0.string(at: 0) } == ["clerk"])
  }

  @Test(arguments: TestStore.all) func accessGroupMustBeANameAndOnlyAnAdministratorMayClearIt(_ kind: TestStore) throws
  {
    let store = try storeWithUsers(kind)
    let file = store.directory.appendingPathComponent("grouped.json")
    var policy = try JSON(
      parsing: String(contentsOf: Self.examples.appendingPathComponent("health-approved.json"), encoding: .utf8))
    policy.set(path: "accessGroup", to: ["north"])
    try policy.serialized().write(to: file, atomically: true, encoding: .utf8)
    let refused = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(refused.exitCode == 65)
    #expect(refused.stderr.contains("accessGroup: must be the name of a data access group"))
    policy.set(path: "accessGroup", to: "north")
    try policy.serialized().write(to: file, atomically: true, encoding: .utf8)
    #expect(try store.run(["policies", "import", file.path, "--as", "tester"]).exitCode == 0)
    let before = try dump(store)
    // Null is no group: clearing it opens the policy to everyone, which only an administrator may.
    let nulled = try store.run(["policies", "edit", "HP-2026-000101", "--set", "accessGroup=null", "--as", "north"])
    #expect(nulled.exitCode == 77, "\(nulled.stderr)")
    #expect(nulled.stderr.contains("only administrators"), "\(nulled.stderr)")
    let number = try store.run(["policies", "edit", "HP-2026-000101", "--set", "accessGroup=7", "--as", "north"])
    #expect(number.exitCode == 65, "\(number.stderr)")
    #expect(number.stderr.contains("such as \"north\", or null for none, found integer 7\n"), "\(number.stderr)")
    // A group the user does not hold is refused in the engine's words on both stores (PostgreSQL's
    // row security refused the write first, in its own).
    let moved = try store.run(["policies", "edit", "HP-2026-000101", "--set", #"accessGroup="south""#, "--as", "north"])
    #expect(moved.exitCode == 77, "\(moved.stderr)")
    #expect(
      moved.stderr.contains(
        "User 'north' may not move policy HP-2026-000101 to data access group 'south', which the user does not hold."),
      "\(moved.stderr)")
    policy.set(path: "accessGroup", to: nil)
    var withoutGroup = policy.objectValue!
    withoutGroup["accessGroup"] = nil
    try JSON.object(withoutGroup).serialized().write(to: file, atomically: true, encoding: .utf8)
    let cleared = try store.run(["policies", "edit", "HP-2026-000101", "--data", file.path, "--as", "north"])
    #expect(cleared.exitCode == 77, "\(cleared.stderr)")
    #expect(cleared.stderr.contains("only administrators"))
    #expect(try dump(store) == before)
    try store.succeed(["policies", "edit", "HP-2026-000101", "--set", "accessGroup=null", "--as", "tester"])
    #expect(
      try store.query("SELECT access_group FROM policy WHERE is_current = 1") { try $0.optionalString(at: 0) } == [nil])
  }

  /// What runs today is the published catalog, when there is one: explain compares the outcome's
  /// catalog with it, not with the files of whatever folder it was run from (a folder without a
  /// catalog read as "does not load, so it was not compared").
  @Test(arguments: TestStore.all) func explainComparesWithThePublishedCatalog(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let catalog = try store.copyOfShippedCatalog()
    try store.succeed(["catalog", "publish", "--catalog", catalog.path, "--as", "tester"])
    let file = Self.examples.appendingPathComponent("health-pended-sum-assured.json").path
    try store.succeed(["policies", "import", file, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    let nowhere = store.directory.appendingPathComponent("elsewhere")
    try FileManager.default.createDirectory(at: nowhere, withIntermediateDirectories: true)
    let explain = ["policies", "explain", "HP-2026-000102", "--db", store.db, "--as", "tester"]
    let same = try PolicyFlowBinary.run(explain, in: nowhere)
    #expect(same.exitCode == 0, "\(same.stderr)")
    #expect(!same.stdout.contains("does not load"), "\(same.stdout)")
    #expect(!same.stdout.contains("has changed since"), "\(same.stdout)")
    let rules = catalog.appendingPathComponent("rules/underwriting.json")
    try String(contentsOf: rules, encoding: .utf8).replacingOccurrences(of: "50000000", with: "1")
      .write(to: rules, atomically: true, encoding: .utf8)
    let published = try JSON(
      parsing: try store.succeed(["catalog", "publish", "--catalog", catalog.path, "--json", "--as", "tester"]).stdout)
    let hash = try #require(published[path: "hash"]?.stringValue)
    let changed = try PolicyFlowBinary.run(explain, in: nowhere)
    #expect(
      changed.stdout.contains("The catalog published in the store has changed since (\(hash)); this explains"),
      "\(changed.stdout)")
    let json = try JSON(parsing: try PolicyFlowBinary.run(explain + ["--json"], in: nowhere).stdout)
    #expect(json[path: "currentCatalogDiffers"] == true)
  }

  @Test(arguments: TestStore.all) func explainUsesTheSnapshotNotTodaysFiles(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    // Process with a copy of the catalog, then change the rule's description in the copy.
    let catalog = try store.copyOfShippedCatalog()
    let file = Self.examples.appendingPathComponent("health-pended-sum-assured.json").path
    #expect(try store.run(["policies", "import", file, "--submit", "--as", "tester"]).exitCode == 0)
    #expect(try store.run(["worker", "--drain", "--catalog", catalog.path]).exitCode == 0)
    let rules = catalog.appendingPathComponent("rules/underwriting.json")
    let original = try String(contentsOf: rules, encoding: .utf8)
    try original.replacingOccurrences(
      of: "Sums assured above 500,000.00 are beyond automatic acceptance.", with: "CHANGED"
    )
    .replacingOccurrences(of: "50000000", with: "1")
    .write(to: rules, atomically: true, encoding: .utf8)
    let explained = try store.run(["policies", "explain", "HP-2026-000102", "--json", "--catalog", catalog.path])
    #expect(explained.exitCode == 0, "\(explained.stderr)")
    let report = try JSON(parsing: explained.stdout)
    #expect(report[path: "snapshotAvailable"] == true)
    #expect(report[path: "cycle.pendReasons.0.rule"] == "SUM_ASSURED_ABOVE_LIMIT")
    #expect(
      report[path: "cycle.pendReasons.0.ruleDescription"]
        == "Sums assured above 500,000.00 are beyond automatic acceptance.")
    #expect(report[path: "cycle.pendReasons.0.reads.0"] == ["path": "sumAssured", "value": 75_000_000])
    // The stored outcome leaves the rule's condition to the snapshot, which explain reads.
    let condition: JSON = [">": [["var": "sumAssured"], 50_000_000]]
    #expect(report[path: "cycle.pendReasons.0.condition"] == condition)
    let names = report[path: "cycle.pendReasons.0"]?.objectValue?.names ?? []
    #expect(names.firstIndex(of: "condition")! < names.firstIndex(of: "reads")!, "\(names)")
    let stored = try store.query("SELECT outcome FROM cycle") { try JSON(parsing: try $0.string(at: 0)) }
    #expect(stored.count == 1)
    #expect(stored.first?[path: "pendReasons.0.rule"] == "SUM_ASSURED_ABOVE_LIMIT")
    #expect(stored.first?[path: "pendReasons.0.condition"] == nil)
    #expect(report[path: "cycle.catalogHash"]?.stringValue?.hasPrefix("sha256:") == true)
    #expect(report[path: "currentCatalogDiffers"] == true)
    let text = try store.run(["policies", "explain", "HP-2026-000102"])
    #expect(text.stdout.contains("read sumAssured = 75000000"))
    #expect(text.stdout.contains(#"condition {">":[{"var":"sumAssured"},50000000]}"#))

    // An outcome stored before conditions were left to the snapshot carries its own, and
    // explain shows that one.
    let connection = try TestStore.connect(store.db)
    try connection.execute(
      kind == .sqlite
        ? "UPDATE cycle SET outcome = json_set(outcome, '$.pendReasons[0].condition', json(?))"
        : "UPDATE cycle SET outcome = jsonb_set(CAST(outcome AS jsonb), '{pendReasons,0,condition}', CAST(? AS jsonb))",
      [.text(#"{"old":1}"#)])
    let older = try JSON(parsing: try store.run(["policies", "explain", "HP-2026-000102", "--json"]).stdout)
    #expect(older[path: "cycle.pendReasons.0.condition"] == ["old": 1])
  }

  /// A policy no flow applies to comes back to Edit with FLOW_NOT_CHOSEN, a message of no step:
  /// explain says so in words (it printed `flow null` and `step null (null, sequence null)`).
  @Test func explainOfAPolicyNoFlowAppliesToSaysSoInWords() throws {
    let store = try StoreFixture()
    let (path, code) = try store.writeExample("health-approved.json") {
      $0.set(path: "lineOfBusiness", to: "helth")
    }
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    let explained = try store.succeed(["policies", "explain", code, "--as", "tester"])
    #expect(explained.stdout.contains(" reached Edit before any flow ran (no step ran).\n"), "\(explained.stdout)")
    #expect(explained.stdout.contains("FATAL FLOW_NOT_CHOSEN: No process flow applies"), "\(explained.stdout)")
    #expect(!explained.stdout.contains("null"), "\(explained.stdout)")
  }

  /// A policy no flow has run on: explain says what would run it, from where it stands, and
  /// never suggests a submit that would be refused.
  @Test func explainOfAPolicyNeverProcessedSaysWhatWouldRunIt() throws {
    let store = try StoreFixture()
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--as", "tester"])
    let edit = try store.succeed(["policies", "explain", code, "--as", "tester"])
    #expect(edit.stdout == "\(code) version 1 is Edit and has never been processed; submit it to run its flow.\n")
    try store.succeed(["policies", "submit", code, "--as", "tester"])
    let queued = try store.succeed(["policies", "explain", code, "--as", "tester"])
    #expect(queued.stdout.contains("is In Process and has never been processed; it is queued"), "\(queued.stdout)")
    let (other, otherCode) = try store.writeExample("health-pended-sum-assured.json")
    try store.succeed(["policies", "import", other, "--as", "tester"])
    let canceled = try store.run(["policies", "decline", otherCode, "--reason", "withdrawn", "--as", "tester"])
    #expect(canceled.exitCode == 0, "\(canceled.stderr)")
    let explained = try store.succeed(["policies", "explain", otherCode, "--as", "tester"])
    #expect(
      explained.stdout.contains("is Canceled and has never been processed; it was canceled before any flow ran"),
      "\(explained.stdout)")
    #expect(!explained.stdout.contains("submit"))
  }

  @Test(arguments: TestStore.all) func pendsListFiltersByReasonStepFlowAndAge(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    _ = try process(store, "health-pended-sum-assured.json")
    _ = try process(store, "group-pended-large-group.json")
    func count(_ filters: [String]) throws -> Int {
      try JSON(parsing: try store.run(["pends", "list", "--json", "--as", "tester"] + filters).stdout).arrayValue?.count
        ?? -1
    }
    #expect(try count([]) == 2)
    #expect(try count(["--reason", "SUM_ASSURED_REVIEW"]) == 1)
    #expect(try count(["--flow", "EMPLOYER_GROUP"]) == 1)
    #expect(try count(["--step", "Underwriting review"]) == 1)
    #expect(try count(["--older-than", "1d"]) == 0)
    #expect(try count(["--older-than", "0s"]) == 2)
    #expect(try store.run(["pends", "list", "--older-than", "soon"]).exitCode == 64)
  }

  @Test(arguments: TestStore.all) func usersAreManagedByAdministratorsOnly(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let refused = try store.run(["users", "add", "eve", "--as", "uw"])
    #expect(refused.exitCode == 77)
    #expect(refused.stderr.contains("only administrators"))
    let listed = try JSON(parsing: try store.run(["users", "list", "--json"]).stdout)
    #expect(
      listed.arrayValue?.map { $0[path: "name"]!.stringValue! } == ["clerk", "north", "outsider", "tester", "uw"])
    #expect(try store.run(["users", "remove", "outsider", "--as", "tester"]).exitCode == 0)
    #expect(
      try store.run(["users", "remove", "tester", "--as", "tester"]).exitCode == 1, "the last administrator stays")
  }

  /// An administrator changes a user's rights in place (they used to be removed and added
  /// again), and the new rights count from the next command on.
  @Test(arguments: TestStore.all) func usersUpdateChangesRightsInPlace(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let code = try process(store, "health-pended-sum-assured.json")
    let before = try store.run(["pends", "resolve", code, "--all", "--note", "x", "--as", "outsider"])
    #expect(before.exitCode == 77)

    let updated = try store.run(["users", "update", "outsider", "--roles", "underwriter", "--as", "tester"])
    #expect(updated.exitCode == 0, "\(updated.stderr)")
    #expect(updated.stdout == "Updated user outsider: roles underwriter; groups none.\n")
    let after = try store.run(["pends", "resolve", code, "--all", "--note", "evidence seen", "--as", "outsider"])
    #expect(after.exitCode == 0, "\(after.stderr)")

    let listed = try JSON(parsing: try store.run(["users", "list", "--json"]).stdout)
    let north = listed.arrayValue?.first { $0[path: "name"] == "north" }
    #expect(north?[path: "groups"] == ["north"], "a user not updated keeps what it had")
    // Lists as people type them, with spaces after the commas.
    let spaced = try store.run(["users", "update", "north", "--groups", "north, south ", "--as", "tester"])
    #expect(spaced.exitCode == 0, "\(spaced.stderr)")
    let relisted = try JSON(parsing: try store.run(["users", "list", "--json"]).stdout)
    #expect(relisted.arrayValue?.first { $0[path: "name"] == "north" }?[path: "groups"] == ["north", "south"])

    let notAdmin = try store.run(["users", "update", "north", "--admin", "--as", "uw"])
    #expect(notAdmin.exitCode == 77)
    let lastAdmin = try store.run(["users", "update", "tester", "--no-admin", "--as", "tester"])
    #expect(lastAdmin.exitCode == 1)
    #expect(lastAdmin.stderr.contains("'tester' is the last administrator"))
    let nothing = try store.run(["users", "update", "north", "--as", "tester"])
    #expect(nothing.exitCode == 64)
    let again = try store.run(["users", "add", "north", "--as", "tester"])
    #expect(again.stderr.contains("'policyflow users update' changes roles and groups"))
  }

  /// A filter that lists nothing because it names no pend reason, step or flow of the catalog
  /// (a typo, usually) says so on stderr, with the nearest name; the list itself stays empty.
  @Test(arguments: TestStore.all) func pendsListWarnsAboutAFilterTheCatalogDoesNotKnow(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    _ = try process(store, "health-pended-sum-assured.json")
    let typo = try store.run(["pends", "list", "--reason", "SUM_ASURED_REVIEW", "--json", "--as", "tester"])
    #expect(typo.exitCode == 0)
    #expect(try JSON(parsing: typo.stdout) == [])
    #expect(typo.stderr.hasPrefix("Warning: the catalog in '"))
    #expect(typo.stderr.hasSuffix("' has no pend reason 'SUM_ASURED_REVIEW'. Did you mean 'SUM_ASSURED_REVIEW'?\n"))
    let known = try store.run(["pends", "list", "--reason", "UNDERWRITER_REFERRAL", "--as", "tester"])
    #expect(known.stdout == "No open pend reasons for reason UNDERWRITER_REFERRAL.\n")
    #expect(known.stderr.isEmpty, "a known reason with no open pends is no mistake")
    // The empty answer says what the list was kept to: "No open pend reasons." read as an empty
    // queue with one open (operator trial).
    let young = try store.run(["pends", "list", "--older-than", "2d", "--as", "tester"])
    #expect(young.stdout == "No open pend reasons older than 2d.\n")
  }

  /// Listing as a name the store does not know (the login name, when neither --as nor
  /// POLICYFLOW_USER is given) shows only policies outside data access groups, and says so
  /// when there are any in a group: such a list is not everything there is.
  @Test(arguments: TestStore.all) func listingAsANameTheStoreDoesNotKnowSaysWhatIsLeftOut(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    _ = try process(store, "health-approved.json")
    let ungrouped = try store.run(["policies", "list"], environment: ["POLICYFLOW_USER": "stranger"])
    #expect(ungrouped.stderr.isEmpty, "nothing is left out while no policy is in a group")
    let code = try process(store, "health-pended-sum-assured.json") { $0.set(path: "accessGroup", to: "north") }
    let note =
      "Note: 'stranger' is not a user of this store, so only policies outside data access groups are shown; "
      + "act as a user with --as NAME or POLICYFLOW_USER ('policyflow users list' names them).\n"
    // (command, what the stranger sees, what north sees): the approved policy has no group.
    for (command, seen, seenByNorth) in [(["policies", "list"], 1, 2), (["pends", "list"], 0, 1)] {
      let stranger = try store.run(command + ["--json"], environment: ["POLICYFLOW_USER": "stranger"])
      #expect(stranger.exitCode == 0)
      #expect(try JSON(parsing: stranger.stdout).arrayValue?.count == seen, "\(command)")
      #expect(stranger.stderr == note, "\(command)")
      let user = try store.run(command + ["--json", "--as", "north"], environment: ["POLICYFLOW_USER": "stranger"])
      #expect(try JSON(parsing: user.stdout).arrayValue?.count == seenByNorth, "\(command)")
      #expect(user.stderr.isEmpty, "\(command)")
    }
    #expect(try store.run(["policies", "show", code, "--as", "north"]).exitCode == 0)
    // Refused to a stranger, with the reason that is most likely the real one.
    let shown = try store.run(["policies", "show", code], environment: ["POLICYFLOW_USER": "stranger"])
    #expect(shown.exitCode == 77)
    #expect(
      shown.stderr
        == "Error: 'stranger' is not a user of this store, and policy \(code) belongs to data access group 'north'; "
        + "act as a user who holds that group (--as NAME or POLICYFLOW_USER).\n")
  }

  /// The commands that change policies print, with --json, what a script needs to go on: what
  /// was imported (or every finding, exit 65), what was queued, and the version left current.
  @Test(arguments: TestStore.all) func changingCommandsPrintJSONForScripts(_ kind: TestStore) throws {
    let store = try storeWithUsers(kind)
    let file = store.directory.appendingPathComponent("two.jsonl")
    try [
      #"{"code": "S-1", "lineOfBusiness": "health", "brand": "b"}"#,
      #"{"code": "S-2", "lineOfBusiness": "health", "brand": "b", "currency": "EURO"}"#,
    ].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    let refused = try store.run(["policies", "import", file.path, "--json", "--as", "tester"])
    #expect(refused.exitCode == 65)
    let findings = try JSON(parsing: refused.stdout)
    #expect(findings[path: "imported"] == 0)
    #expect(findings[path: "findings.0.line"] == 2)
    #expect(findings[path: "findings.0.field"] == "currency")
    #expect(findings[path: "findings.0.file"] == .string(file.path))
    #expect(refused.stderr == "Error: 1 problem in 1 record; nothing was imported.\n")

    let approved = Self.examples.appendingPathComponent("health-approved.json").path
    let imported = try store.run(["policies", "import", approved, "--json", "--as", "tester"])
    #expect(try JSON(parsing: imported.stdout) == ["imported": 1, "submitted": false])
    let code = "HP-2026-000101"
    let submitted = try store.run(["policies", "submit", code, "--json", "--as", "tester"])
    #expect(try JSON(parsing: submitted.stdout) == [["code": .string(code), "result": "queued"]])
    let again = try store.run(["policies", "submit", code, "--json", "--as", "tester"])
    #expect(try JSON(parsing: again.stdout) == [["code": .string(code), "result": "alreadySubmitted"]])
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    #expect(try status(store, code) == "Approved")

    let edited = try store.run([
      "policies", "edit", code, "--set", #"policyholder.email="a@example.org""#, "--json", "--as", "tester",
    ])
    #expect(
      try JSON(parsing: edited.stdout)
        == [
          "code": .string(code), "status": "Edit", "version": 2, "changed": true, "newVersion": true,
          "withdrawnPendReasons": 0,
        ])
    let reverted = try store.run(["policies", "revert", code, "--json", "--as", "tester"])
    #expect(try JSON(parsing: reverted.stdout) == ["code": .string(code), "status": "Approved", "version": 1])
    let cancelled = try store.run([
      "policies", "cancel", code, "--date", "2026-04-01", "--reason", "test", "--json", "--as", "tester",
    ])
    let canceled = try JSON(parsing: cancelled.stdout)
    #expect(canceled[path: "status"] == "Canceled")
    #expect(canceled[path: "version"] == 1)
    #expect(canceled[path: "cancellation.date"] == "2026-04-01")
    #expect(canceled[path: "reversed"] == 179_988)
    #expect(canceled[path: "balance"] == .int(51_660 - 179_988))
  }
}
