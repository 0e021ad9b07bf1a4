/// Left-aligned columns for human output. On a terminal the table fits its width: the last
/// column (usually a description) gives way first, then the widest; the first column (the code
/// a reader types next) stays whole; a shortened cell ends with `…`. Headers are bold and cells may be coloured there too. Pipes get every cell whole.
enum Table {
  /// The narrowest a shrinking column gets: its header, or this many characters.
  static let minimumWidth = 6

  static func print(
    _ header: [String], _ rows: [[String]], empty: String,
    style: (_ column: Int, _ cell: String) -> TerminalStyle? = {
      _, _ in nil
    }
  ) {
    guard !rows.isEmpty else {
      Terminal.out(empty)
      return
    }
    let natural = header.indices.map { column in max(header[column].count, rows.map { $0[column].count }.max() ?? 0) }
    let widths = TerminalStyle.stdoutColumns.map { fit(natural, header: header, into: $0) } ?? natural
    func line(_ cells: [String], header: Bool) -> String {
      let padded = cells.enumerated().map { column, cell -> String in
        let text = shortened(cell, to: widths[column])
        let last = column == cells.count - 1
        let padding = last ? "" : String(repeating: " ", count: widths[column] - text.count)
        let style: TerminalStyle? = header ? .bold : style(column, cell)
        return (style?.apply(text) ?? text) + padding
      }
      return padded.joined(separator: "  ").trimmingTrailingSpaces()
    }
    Terminal.out(([line(header, header: true)] + rows.map { line($0, header: false) }).joined(separator: "\n"))
  }

  /// Column widths that fit `columns` characters, two spaces apart, as far as the minimums allow.
  static func fit(_ natural: [Int], header: [String], into columns: Int) -> [Int] {
    var widths = natural
    var floor = header.map { max($0.count, minimumWidth) }
    floor[0] = natural[0]
    var excess = widths.reduce(0, +) + 2 * (widths.count - 1) - columns
    let last = widths.count - 1
    if excess > 0, widths[last] > floor[last] {
      let cut = min(excess, widths[last] - floor[last])
      widths[last] -= cut
      excess -= cut
    }
    while excess > 0 {
      guard let widest = widths.indices.filter({ widths[$0] > floor[$0] }).max(by: { widths[$0] < widths[$1] }) else {
        break
      }
      widths[widest] -= 1
      excess -= 1
    }
    return widths
  }

  static func shortened(_ cell: String, to width: Int) -> String {
    cell.count <= width ? cell : String(cell.prefix(max(width - 1, 0))) + "…"
  }
}
