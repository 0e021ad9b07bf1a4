import PolicyFlowCore

/// Generates policies for the shipped catalog: employer groups with several enrollments and
/// individual health policies, a few KB each, mostly clean with the pends and fatal messages a
/// carrier sees every day. Deterministic: policy `i` is the same in every run.
struct PolicyGenerator {
  private var state: UInt64

  init(seed: UInt64 = 0x5eed_cafe) { state = seed }

  /// Policy number `index`, with a code unique to that index.
  mutating func policy(_ index: Int) -> JSON {
    state = 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1)
    return roll(100) < 55 ? group(index) : health(index)
  }

  private static let firstNames = [
    "Anna", "Jeroen", "Fatima", "Youssef", "Sofia", "Lars", "Mei", "Pieter", "Ines", "Omar",
  ]
  private static let lastNames = ["de Vries", "Bakker", "El Amrani", "Jansen", "Visser", "Smit", "Meijer", "Mulder"]
  private static let countries = ["NL", "BE", "DE", "FR", "LU"]
  private static let brands = ["northstar", "northstar", "northstar", "vitalis-direct"]

  private mutating func group(_ index: Int) -> JSON {
    let enrollmentCount = 6 + roll(13)
    var maxUsers = 50 + roll(350)
    let kind = roll(100)
    if kind < 8 { maxUsers = 600 + roll(2000) }  // large group: pended for set-up review
    if kind >= 8 && kind < 12 { maxUsers = enrollmentCount - 2 }  // too many enrollments: fatal
    var enrollments: [JSON] = []
    for n in 0..<enrollmentCount {
      enrollments.append([
        "employeeId": .string("E\(index)-\(n)"),
        "name": .string(name()),
        "dateOfBirth": .string(date(year: 1960 + roll(45))),
        "role": n % 4 == 3 ? "partner" : "employee",
        "email": .string("employee\(n)@example.com"),
        "salary": .int(3_000_000 + roll(9_000_000)),
        "address": ["street": .string("Keizersgracht \(1 + roll(400))"), "city": "Amsterdam", "country": "NL"],
      ])
    }
    var policy: JSON = [
      "code": .string("GP-B-\(index)"),
      "lineOfBusiness": "group",
      "brand": "northstar",
      "source": "integration",
      "policyholder": [
        "name": .string("\(Self.lastNames[roll(Self.lastNames.count)]) Holding \(index) B.V."),
        "country": .string(Self.countries[roll(Self.countries.count)]),
        "registrationNumber": .string("NL-KVK-\(10_000_000 + index)"),
      ],
      "identityProvider": "3f2b8c1e-9d4a-4b7e-8c21-5e6f7a8b9c0d",
      "policyGroup": "a1c4e2f0-6b3d-4e8a-9f1c-2d7b5a3e8c64",
      "startDate": "2026-02-01T00:00:00+01:00",
      "endDate": "2027-01-31T23:59:59+01:00",
      "maxUsers": .int(maxUsers),
      "sumAssured": .int(50_000_000 + roll(200_000_000)),
      "currency": "EUR",
      "accessGroup": "bench-hr",
      "enrollments": .array(enrollments),
    ]
    if kind >= 12 && kind < 15 { policy.set(path: "identityProvider", to: .null) }  // missing: fatal
    return policy
  }

  private mutating func health(_ index: Int) -> JSON {
    let kind = roll(100)
    var birthYear = 1960 + roll(40)
    if kind < 6 { birthYear = 1950 + roll(10) }  // senior at start: pended
    if kind >= 6 && kind < 9 { birthYear = 2009 + roll(5) }  // under age: fatal
    var sumAssured = 5_000_000 + roll(40_000_000)
    if kind >= 9 && kind < 17 { sumAssured = 55_000_000 + roll(100_000_000) }  // above the limit: pended
    let brand = Self.brands[roll(Self.brands.count)]
    return [
      "code": .string("HP-B-\(index)"),
      "lineOfBusiness": "health",
      "brand": .string(brand),
      "source": kind >= 17 && kind < 22 ? "manual" : "integration",
      "policyholder": [
        "name": .string(name()),
        "dateOfBirth": .string(date(year: birthYear)),
        "country": kind >= 22 && kind < 25 ? "Netherlands" : .string(Self.countries[roll(Self.countries.count)]),
        "email": kind >= 25 && kind < 27 ? .null : .string("holder\(index)@example.com"),
        "phone": .string("+31 6 \(10_000_000 + roll(89_999_999))"),
        "address": ["street": .string("Prinsengracht \(1 + roll(600))"), "postcode": "1015 DV", "city": "Amsterdam"],
      ],
      "startDate": "2026-01-01",
      "endDate": "2026-12-31",
      "sumAssured": .int(sumAssured),
      "currency": "EUR",
      "medicalDeclaration": [
        "preExistingConditions": .bool(kind >= 27 && kind < 32),
        "smoker": .bool(roll(5) == 0),
        "heightCm": .int(150 + roll(50)),
        "weightKg": .int(50 + roll(60)),
      ],
      "premium": ["annualAmount": .int(100_000 + roll(200_000)), "currency": "EUR", "paymentFrequency": "monthly"],
      "beneficiaries": [
        ["name": .string(name()), "share": 50, "relation": "partner"],
        ["name": .string(name()), "share": 50, "relation": "child"],
      ],
    ]
  }

  private mutating func name() -> String {
    "\(Self.firstNames[roll(Self.firstNames.count)]) \(Self.lastNames[roll(Self.lastNames.count)])"
  }

  private mutating func date(year: Int) -> String {
    let month = 1 + roll(12)
    let day = 1 + roll(28)
    return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
  }

  /// A number in `0..<bound` (xorshift64*).
  private mutating func roll(_ bound: Int) -> Int {
    state ^= state >> 12
    state ^= state << 25
    state ^= state >> 27
    return Int((state &* 0x2545_F491_4F6C_DD1D) >> 33) % bound
  }
}
