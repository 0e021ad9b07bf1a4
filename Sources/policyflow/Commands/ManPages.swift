#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// `policyflow manpages --out DIR`: a manual page for every command, written from the same
/// definitions as `--help` (the install script and the package call it).
enum ManPages {
  static let command = Command(
    name: "manpages",
    abstract: "Write a manual page (roff, section 1) for every command into a directory.",
    discussion: """
      One page per command and group: policyflow.1, policyflow-policies.1, policyflow-policies-import.1… \
      Read one with 'man DIR/policyflow-worker.1'; installed under share/man/man1 they answer \
      'man policyflow-worker'.
      """,
    options: [.value("--out", "dir", "Where to write the pages; created when missing.", required: true)],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let directory = invocation.value("--out")!
    if mkdir(directory, 0o755) != 0, errno != EEXIST {
      throw CommandFailure(message: "Cannot create '\(directory)': \(String(cString: strerror(errno))).")
    }
    var status = stat()
    guard stat(directory, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
      throw UsageError(
        message: "'\(directory)' is a file, not a folder; --out names the folder the pages go in.",
        commandPath: invocation.commandPath)
    }
    let pages = ManPage.all(root: PolicyFlowCommand.root)
    for page in pages {
      try AtomicFile.write(page.text, to: "\(directory)/\(page.fileName)")
    }
    Terminal.out("Wrote \(pages.count) manual pages to \(directory).")
    return 0
  }
}
