import { HearthError } from '../../domain/errors.js';
import { fieldKey } from '../../domain/lead.js';

/** Where one column of an import goes. */
export type ColumnTarget =
  | { readonly kind: 'field'; readonly field: string }
  | { readonly kind: 'extra'; readonly key: string }
  | { readonly kind: 'ignore' };

/**
 * Parses `--map` options: `"Company Name=company"`, `"Budget=attributes.budget"`, `"Notes=ignore"`;
 * several may be given in one option separated by commas.
 */
export function parseMappings(
  options: readonly string[],
  fields: readonly string[],
): Map<string, ColumnTarget> {
  const mappings = new Map<string, ColumnTarget>();
  const known = new Map(fields.map((f) => [fieldKey(f), f]));
  for (const option of options) {
    for (const pair of option.split(',')) {
      if (pair.trim() === '') continue;
      const at = pair.lastIndexOf('=');
      const column = pair.slice(0, at).trim();
      const target = pair.slice(at + 1).trim();
      if (at <= 0 || target === '') {
        throw HearthError.invalid([{ path: '--map', message: `"${pair}" is not COLUMN=FIELD` }]);
      }
      if (target === 'ignore') {
        mappings.set(column, { kind: 'ignore' });
      } else if (/^(attributes|properties)\./.test(target)) {
        mappings.set(column, { kind: 'extra', key: target.slice(target.indexOf('.') + 1) });
      } else {
        const field = known.get(fieldKey(target));
        if (!field) {
          throw HearthError.invalid([
            {
              path: '--map',
              message: `"${target}" is not a field; use one of ${fields.join(', ')}, attributes.NAME or ignore`,
            },
          ]);
        }
        mappings.set(column, { kind: 'field', field });
      }
    }
  }
  return mappings;
}

/**
 * The target of a column: an explicit mapping, else a standard field its name matches in any case
 * with spaces or underscores (`Job Title` → jobTitle), else an extra key in snake_case.
 */
export function columnTarget(
  column: string,
  mappings: ReadonlyMap<string, ColumnTarget>,
  fields: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): ColumnTarget {
  const mapped = mappings.get(column);
  if (mapped) return mapped;
  const key = fieldKey(column);
  const field = fields.find((f) => fieldKey(f) === key) ?? aliases[key];
  if (field) return { kind: 'field', field };
  return { kind: 'extra', key: snakeCase(column) };
}

export function snakeCase(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/**
 * A CSV cell as a JSON value for an extra (attribute/property) column: whole numbers and plain
 * decimals written canonically become numbers and true/false become booleans; anything else, such
 * as a zip code with a leading zero, stays text.
 */
export function cellValue(cell: string): unknown {
  if (cell === 'true') return true;
  if (cell === 'false') return false;
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(cell) && String(Number(cell)) === cell) return Number(cell);
  return cell;
}

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
