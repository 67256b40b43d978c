/**
 * Rows as aligned columns with a header, two spaces apart: text columns left-aligned, numeric ones (by
 * `numeric`) right-aligned; the last column is not padded, so lines carry no trailing spaces.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, column) => {
        if (column === row.length - 1 && !numeric.includes(column)) return cell;
        const width = widths[column] ?? 0;
        return numeric.includes(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd(),
  );
}
