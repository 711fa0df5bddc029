/**
 * A plain-text table for terminals and logs: columns padded to their widest cell, two spaces apart, the last column
 * left unpadded (it holds URLs). The command line's and the demo's result tables both print with it.
 */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join("  "),
    )
    .join("\n");
}
