/// Collects the definitions of every file of a catalog, then checks them as a whole and builds
/// the ``Catalog``. Definitions are kept as drafts, with where each part is written, until every
/// file has been read, because a reference may point into any file.
struct CatalogAssembler {
  var findings: [Finding] = []
  var messages: [MessageDraft] = []
  var groups: [GroupDraft] = []
  var reasons: [ReasonDraft] = []
  var validationRules: [ValidationRuleDraft] = []
  var pendRules: [PendRuleDraft] = []
  var flows: [FlowDraft] = []
  /// Set when a file is not valid JSON: its definitions are unknown, so references to them and
  /// unused-definition warnings would only be noise.
  var hasUnreadableFile = false
  /// A catalog already stored as a snapshot (a worker ran it): the checks added since it may
  /// have been stored (``laterCheck(_:_:)``) are warnings, so that an upgrade does not stop the
  /// workers, pends and cancellations that run on it. A directory is checked in full.
  var isStored = false
  /// The message codes the rules' `has_message` names (constants), checked once every file is read.
  var messageReads: [Located<String>] = []

  mutating func error(_ site: DefinitionLocation, _ message: String) {
    findings.append(Finding(file: site.file, location: site.location, message: message))
  }

  /// An error of a check added after catalogs were stored (a derive into an engine field, two
  /// steps of one name): a warning for a stored catalog (``isStored``), whose cycles guard what
  /// the check is for at run time.
  mutating func laterCheck(_ site: DefinitionLocation, _ message: String) {
    if isStored { warning(site, message) } else { error(site, message) }
  }

  mutating func warning(_ site: DefinitionLocation, _ message: String) {
    findings.append(Finding(file: site.file, location: site.location, severity: .warning, message: message))
  }

  /// Compiles the JsonLogic member `name`, reporting each problem at the operator's key.
  /// Nil when the member is absent or does not compile.
  mutating func compile(_ reader: ObjectReader, _ name: String) -> LogicExpression? {
    guard let value = reader.object[name] else { return nil }
    return compile(value, in: reader.source, at: reader.pointer(name))
  }

  mutating func compile(_ value: JSON, in source: SourceDocument, at pointer: String) -> LogicExpression? {
    do {
      let expression = try LogicExpression.compile(value)
      collectMessageReads(value, in: source, at: pointer)
      return expression
    } catch {
      for problem in error.problems {
        self.error(source.keySite(pointer + problem.pointer), problem.message)
      }
      return nil
    }
  }
}

extension CatalogAssembler {
  /// Records each constant code of a `has_message` in `value`, at its place in `source`.
  private mutating func collectMessageReads(_ value: JSON, in source: SourceDocument, at pointer: String) {
    switch value {
    case .array(let items):
      for (index, item) in items.enumerated() { collectMessageReads(item, in: source, at: "\(pointer)/\(index)") }
    case .object(let object):
      for (key, member) in object {
        let memberPointer = pointer + "/" + key.replacing("~", with: "~0").replacing("/", with: "~1")
        if key == "has_message" {
          let codes = member.arrayValue.map { items in items.indices.map { (items[$0], "\(memberPointer)/\($0)") } }
          for (code, at) in codes ?? [(member, memberPointer)] {
            if case .string(let text) = code { messageReads.append(Located(value: text, site: source.site(at))) }
          }
        }
        collectMessageReads(member, in: source, at: memberPointer)
      }
    default:
      return
    }
  }
}

struct MessageDraft {
  var code: Located<String>
  var definition: MessageDefinition?
}

struct GroupDraft {
  var code: Located<String>
  var description: String?
  var messages: [Located<String>]
}

struct ReasonDraft {
  var code: Located<String>
  var definition: PendReason?
}

struct FilterDraft {
  var enabled: Bool
  var source: SourceFilter
  var brands: Set<String>?
  var flows: [Located<String>]?

  var filter: RuleFilter {
    RuleFilter(enabled: enabled, source: source, brands: brands, flows: flows.map { Set($0.map(\.value)) })
  }
}

struct ValidationRuleDraft {
  var code: Located<String>
  var description: String?
  var level: String?
  var filter: FilterDraft
  var condition: LogicExpression?
  var message: Located<String>?
  /// One entry per written value; nil where it did not compile.
  var values: [LogicExpression?]
  var derivations: [(path: String?, value: LogicExpression?)]
}

struct PendRuleDraft {
  var code: Located<String>
  var description: String?
  var filter: FilterDraft
  var whenMessages: [Located<String>]?
  var whenMessageGroup: Located<String>?
  /// Whether a condition was written, so a failed compile is not mistaken for no condition.
  var hasCondition: Bool
  var condition: LogicExpression?
  var reason: Located<String>?
}

struct FlowDraft {
  var code: Located<String>
  var description: String?
  var lineOfBusiness: String?
  var isDefault: Located<Bool>?
  var isActive: Bool?
  var steps: [StepDraft]
  var calculation: CalculationDraft?
}

struct StepDraft {
  var site: DefinitionLocation
  var sequence: Located<Int>?
  var name: String?
  var displayName: String?
  var roles: [String]?
  var authority: LogicExpression?
  /// Each role with its limit, located at its key in `authorityByRole`.
  var authorityByRole: [(role: Located<String>, limit: LogicExpression)]
  var makerChecker: Bool
  var rules: [RuleStepDraft]
}

struct RuleStepDraft {
  var sequence: Located<Int>?
  var rule: Located<String>?
}
