export { cellValue } from '../../domain/import/cells.js';

// Spreadsheets run a cell starting with one of these as a formula (CSV injection, OWASP); export
// prefixes such cells with a quote and import removes it again, so values round-trip. A value that
// itself starts with quotes before such a character (`'=x`) gets one more, else import would take
// its own quote for the escape and give back `=x`.
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export function unescapeFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
