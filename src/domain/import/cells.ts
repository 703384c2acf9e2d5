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

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

/** yes/no, y/n, 1/0, true/false in any case; undefined for anything else. */
export function booleanWord(cell: string): boolean | undefined {
  const word = cell.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

/** A duration in seconds: `125`, `125.0`, `2:05`, `0:02:05`; undefined for anything else. */
export function parseDurationSeconds(cell: string): number | undefined {
  const text = cell.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text));
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(text);
  if (!clock) return undefined;
  const [hours, minutes, seconds] = [Number(clock[1] ?? 0), Number(clock[2]), Number(clock[3])];
  if (seconds > 59 || (clock[1] !== undefined && minutes > 59)) return undefined;
  return hours * 3600 + minutes * 60 + seconds;
}
