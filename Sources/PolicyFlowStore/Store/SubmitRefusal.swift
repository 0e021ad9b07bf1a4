/// Why a submit of several policies submitted none: every code the store refused, each with
/// its reason, in the order given (`PolicyStore.submit(_:actor:)` with a list of codes).
public struct SubmitRefusal: Error, Sendable {
  /// One refused code.
  public struct Problem: Sendable {
    /// Its position among the codes given.
    public var index: Int
    public var error: StoreError
  }

  /// At least one, in the order of the codes.
  public var problems: [Problem]
}
