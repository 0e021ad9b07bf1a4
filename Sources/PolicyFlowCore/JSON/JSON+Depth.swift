extension JSON {
  /// How deep objects and arrays nest in the value: 0 for a scalar, 1 for a container of
  /// scalars. Recursive, so bounded by what the parser accepts.
  var nestingDepth: Int {
    switch self {
    case .array(let elements): 1 + (elements.lazy.map(\.nestingDepth).max() ?? 0)
    case .object(let object): 1 + (object.lazy.map(\.value.nestingDepth).max() ?? 0)
    default: 0
    }
  }
}
