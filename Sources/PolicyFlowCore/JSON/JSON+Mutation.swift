extension JSON {
  /// Sets the value at a dotted path (`derived.ageAtStart`), creating objects along the way.
  /// A step that lands on a non-object value replaces it with an object; array elements are
  /// addressed by index and must exist.
  public mutating func set(path: String, to value: JSON) {
    var components = path.split(separator: ".", omittingEmptySubsequences: false)[...]
    set(&components, value)
  }

  private mutating func set(_ components: inout ArraySlice<Substring>, _ value: JSON) {
    guard let first = components.popFirst() else {
      self = value
      return
    }
    switch self {
    case .array(var array):
      if let index = Int(first), array.indices.contains(index) {
        self = .null  // drop the reference so the array is mutated in place
        array[index].set(&components, value)
        self = .array(array)
        return
      }
    case .object(var object):
      self = .null
      var child = object[String(first)] ?? .null
      child.set(&components, value)
      object[String(first)] = child
      self = .object(object)
      return
    default:
      break
    }
    var object = JSONObject()
    var child = JSON.null
    child.set(&components, value)
    object[String(first)] = child
    self = .object(object)
  }
}
