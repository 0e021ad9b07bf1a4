/// The changes a case of a table makes to its base policy: fields set and removed by dotted path.
///
/// Stricter than ``JSON/set(path:to:)``, which makes room for any path: a path that runs into an
/// array item that does not exist, or through a value that is not an object, is almost always a
/// typo in a test, so it is refused with a sentence instead of quietly reshaping the policy.
/// A path is refused exactly as `policies edit --set` refuses it (``JSON/problemSetting(path:)``).
enum TestPolicyChanges {
  /// Sets `path` to `value` in `policy`; returns why it cannot, or nil when it was set.
  static func set(_ path: String, to value: JSON, in policy: inout JSON) -> String? {
    if let problem = policy.problemSetting(path: path) { return problem }
    policy.set(path: path, to: value)
    return nil
  }

  /// Removes the field at `path`; returns why it cannot, or nil when it was removed.
  static func remove(_ path: String, from policy: inout JSON) -> String? {
    let components = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    if let problem = check(components, in: policy, removing: true) { return problem }
    remove(components[...], from: &policy)
    return nil
  }

  private static func remove(_ components: ArraySlice<String>, from value: inout JSON) {
    guard let first = components.first else { return }
    switch value {
    case .object(var object):
      if components.count == 1 {
        object[first] = nil
      } else if var child = object[first] {
        remove(components.dropFirst(), from: &child)
        object[first] = child
      }
      value = .object(object)
    case .array(var array):
      guard let index = Int(first), array.indices.contains(index) else { return }
      if components.count == 1 {
        array.remove(at: index)
      } else {
        remove(components.dropFirst(), from: &array[index])
      }
      value = .array(array)
    default:
      return
    }
  }

  /// Why the path cannot be removed from `policy`, or nil when it can.
  private static func check(_ components: [String], in policy: JSON, removing: Bool) -> String? {
    if components.contains(where: \.isEmpty) {
      return "'\(components.joined(separator: "."))' is not a dotted path; write field names separated by dots"
    }
    var current: JSON? = policy
    for (depth, component) in components.enumerated() {
      let walked = components[...depth].joined(separator: ".")
      let parent = depth == 0 ? "the policy" : "'\(components[..<depth].joined(separator: "."))'"
      switch current {
      case .array(let items)?:
        guard let index = Int(component), items.indices.contains(index) else {
          return "\(parent) is an array of \(items.count) item\(items.count == 1 ? "" : "s"), so '\(walked)' "
            + "names no item; an item to change must exist (indexes start at 0)"
        }
        current = items[index]
      case .object(let object)?:
        current = object[component]
        if current == nil, removing {
          return "there is no field '\(walked)' to remove"
        }
      case nil:
        current = nil  // objects along the path are created when setting
      case let value?:
        let kind = value == .null ? "null" : (value.typeName == "integer" ? "an integer" : "a \(value.typeName)")
        return "\(parent) is \(kind), so '\(walked)' cannot be " + (removing ? "removed" : "set")
      }
    }
    return nil
  }
}
