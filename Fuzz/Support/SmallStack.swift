#if canImport(Glibc)
  import Glibc
#endif

/// The stack each input runs on: 512 KiB, a sixteenth of the main thread's. Recursion that
/// input controls (nested JSON, rules, regex groups) then overflows at a depth a fuzzer reaches
/// in seconds, instead of at the thousands of levels an 8 MiB stack allows, and the limits the
/// engine sets must hold on a small stack as well as on a large one.
let fuzzStackSize = 512 * 1024

/// Runs `body` to completion on a fresh thread with a ``fuzzStackSize`` stack.
func onSmallStack(_ body: @escaping () -> Void) {
  final class Box {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
  }
  var attributes = pthread_attr_t()
  pthread_attr_init(&attributes)
  defer { pthread_attr_destroy(&attributes) }
  pthread_attr_setstacksize(&attributes, fuzzStackSize)
  var thread = pthread_t()
  let box = Unmanaged.passRetained(Box(body)).toOpaque()
  let created = pthread_create(
    &thread, &attributes,
    { pointer in
      let box = Unmanaged<Box>.fromOpaque(pointer!).takeRetainedValue()
      box.body()
      return nil
    }, box)
  precondition(created == 0, "pthread_create failed: \(created)")
  pthread_join(thread, nil)
}
