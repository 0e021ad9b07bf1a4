#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

exit(Runner.main(PolicyFlowCommand.root, arguments: Array(CommandLine.arguments.dropFirst())))
