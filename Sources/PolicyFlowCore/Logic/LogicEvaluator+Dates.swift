/// The date operators: `today`, `now`, `is_date`, `date_before`, `date_after`, `date_add`,
/// `days_between` and `age_at`.
///
/// A date alone stands for midnight UTC of that day when compared with an instant. Arguments
/// that are not ISO 8601 dates or date-times are `Invalid Arguments` errors (`is_date` excepted,
/// which answers false).
extension LogicEvaluator {
  func dates(_ op: LogicOperator, _ values: [JSON]) throws(LogicError) -> JSON {
    switch op {
    case .today:
      return .string(context.now.localDate.iso8601)
    case .now:
      return .string(context.now.iso8601)
    case .isDate:
      guard case .string(let text) = values[0] else { return false }
      return .bool(Self.isValid(text, .isDate))
    case .dateBefore, .dateAfter:
      let a = try Self.date(values[0], op)
      let b = try Self.date(values[1], op)
      return .bool(op == .dateBefore ? a.instant < b.instant : a.instant > b.instant)
    case .daysBetween:
      let a = try Self.date(values[0], op)
      let b = try Self.date(values[1], op)
      if case .date(let x) = a, case .date(let y) = b { return .int(y.daysSinceEpoch - x.daysSinceEpoch) }
      return .int(Int((b.instant - a.instant) / (86_400 * 1_000_000_000)))
    case .ageAt:
      return .int(Self.age(born: try Self.date(values[0], op).localDate, at: try Self.date(values[1], op).localDate))
    default:
      return .string(try Self.add(values).iso8601)
    }
  }

  /// Whole years completed at `at`. Someone born on 29 February has their birthday on
  /// 28 February in years that have no 29th.
  static func age(born: CivilDate, at: CivilDate) -> Int {
    var years = at.year - born.year
    var birthday = (month: born.month, day: born.day)
    if birthday == (2, 29), !CivilDate.isLeapYear(at.year) { birthday.day = 28 }
    if (at.month, at.day) < birthday { years -= 1 }
    return years
  }

  /// `date_add`: days move the instant; months and years move the calendar date in the value's
  /// own offset, clamped to the month's end, keeping the time of day.
  private static func add(_ values: [JSON]) throws(LogicError) -> LogicDate {
    let start = try date(values[0], .dateAdd)
    guard case .string(let unitName) = values[2], let unit = LogicDateUnit(rawValue: unitName) else {
      throw LogicError.invalidArguments(
        "'date_add' unit must be \"days\", \"months\" or \"years\", found \(values[2].serialized())")
    }
    // Bounded so that no calendar arithmetic can overflow: ±10,000 years of days is plenty.
    let limit = 3_652_500
    let amount: Int
    switch values[1].jsNumber {
    case .int(let i) where abs(i) <= limit: amount = i
    case .double(let d) where d == d.rounded() && abs(d) <= Double(limit): amount = Int(d)
    default:
      throw LogicError.invalidArguments(
        "'date_add' needs a whole number between -\(limit) and \(limit), found \(values[1].serialized())")
    }
    let months = unit == .years ? amount * 12 : amount
    switch start {
    case .date(let date):
      if unit == .days { return .date(CivilDate(daysSinceEpoch: date.daysSinceEpoch + amount)) }
      return .date(date.adding(months: months))
    case .dateTime(let timestamp, let fraction, let nanoseconds):
      var moved = timestamp
      if unit == .days {
        moved.secondsSinceEpoch += Int64(amount) * 86_400
      } else {
        let local = Int(timestamp.secondsSinceEpoch) + timestamp.utcOffsetSeconds
        let day = timestamp.localDate
        let secondOfDay = local - day.daysSinceEpoch * 86_400
        let newLocal = day.adding(months: months).daysSinceEpoch * 86_400 + secondOfDay
        moved.secondsSinceEpoch = Int64(newLocal - timestamp.utcOffsetSeconds)
      }
      return .dateTime(moved, fraction: fraction, nanoseconds: nanoseconds)
    }
  }

  private static func date(_ value: JSON, _ op: LogicOperator) throws(LogicError) -> LogicDate {
    guard case .string(let text) = value, let date = LogicDate(parsing: text) else {
      throw LogicError.invalidArguments("'\(op.rawValue)' needs ISO 8601 dates, found \(value.serialized())")
    }
    return date
  }
}
