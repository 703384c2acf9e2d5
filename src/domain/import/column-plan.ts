import { HearthError } from '../errors.js';
import { fieldKey, LEAD_FIELD_NAMES } from '../lead.js';
import {
  EVENT_FORMATS,
  EVENT_SYNONYMS,
  type KnownFormat,
  LEAD_FORMATS,
  LEAD_SYNONYMS,
} from './known-formats.js';

export type ImportKind = 'leads' | 'events';

/** Where one column of an import goes. */
export type ColumnTarget =
  | { readonly kind: 'field'; readonly field: string }
  | { readonly kind: 'extra'; readonly key: string }
  | { readonly kind: 'ignore' };

/** How a column's target was decided, strongest first. */
export type MappingReason = 'mapping' | 'known format' | 'exact name' | 'synonym' | 'attribute';

export interface PlannedColumn {
  readonly column: string;
  readonly target: ColumnTarget;
  readonly decidedBy: MappingReason;
}

/** The format a file's header was recognised as, and how many of its columns that format knows. */
export interface DetectedFormat {
  readonly id: string;
  readonly label: string;
  readonly known: number;
  readonly total: number;
}

/** What an import vocabulary offers: its targets, formats and synonyms. */
export interface ImportVocabulary {
  /** Targets a column may name in `--map` (and that a header matches exactly). */
  readonly targets: readonly string[];
  /** Targets only `--map` or a known format reaches: a file's own "Outcome" column stays an attribute. */
  readonly explicitOnly: readonly string[];
  readonly extrasKey: 'attributes' | 'properties';
  readonly formats: readonly KnownFormat[];
  readonly synonyms: Readonly<Record<string, string>>;
}

export const LEAD_VOCABULARY: ImportVocabulary = {
  targets: [
    'id',
    'createdAt',
    ...LEAD_FIELD_NAMES,
    'attributes',
    'firstName',
    'lastName',
    'owner',
    'statusLabel',
    'outcome',
    'decidedAt',
  ],
  explicitOnly: ['outcome', 'decidedAt'],
  extrasKey: 'attributes',
  formats: LEAD_FORMATS,
  synonyms: LEAD_SYNONYMS,
};

export const EVENT_VOCABULARY: ImportVocabulary = {
  targets: [
    'id',
    'leadId',
    'email',
    'type',
    'occurredAt',
    'properties',
    'activity',
    'duration',
    'direction',
    'callStatus',
    'phone',
    'from',
    'to',
  ],
  explicitOnly: [],
  extrasKey: 'properties',
  formats: EVENT_FORMATS,
  synonyms: EVENT_SYNONYMS,
};

export function vocabularyOf(kind: ImportKind): ImportVocabulary {
  return kind === 'leads' ? LEAD_VOCABULARY : EVENT_VOCABULARY;
}

/**
 * Reads one target as `--map` and the API take it: a target name (`company`, `firstName`),
 * `attributes.KEY` (or `properties.KEY`), or `ignore`. Throws `invalid` naming the choices.
 */
export function parseTarget(text: string, vocabulary: ImportVocabulary, path = '--map'): ColumnTarget {
  const target = text.trim();
  if (target === 'ignore') return { kind: 'ignore' };
  if (/^(attributes|properties)\.[^.]/.test(target)) {
    return { kind: 'extra', key: target.slice(target.indexOf('.') + 1) };
  }
  const field = vocabulary.targets.find((t) => fieldKey(t) === fieldKey(target));
  if (!field) {
    throw HearthError.invalid([
      {
        path,
        message: `"${target}" is not a field; use one of ${vocabulary.targets.join(', ')}, ${vocabulary.extrasKey}.NAME or ignore`,
      },
    ]);
  }
  return { kind: 'field', field };
}

/**
 * Parses `--map` options: `"Company Name=company"`, `"Budget=attributes.budget"`, `"Notes=ignore"`;
 * several may be given in one option separated by commas.
 */
export function parseMappings(
  options: readonly string[],
  vocabulary: ImportVocabulary,
): Map<string, ColumnTarget> {
  const mappings = new Map<string, ColumnTarget>();
  for (const option of options) {
    for (const pair of option.split(',')) {
      if (pair.trim() === '') continue;
      const at = pair.lastIndexOf('=');
      const column = pair.slice(0, at).trim();
      if (at <= 0 || pair.slice(at + 1).trim() === '') {
        throw HearthError.invalid([{ path: '--map', message: `"${pair}" is not COLUMN=FIELD` }]);
      }
      mappings.set(column, parseTarget(pair.slice(at + 1), vocabulary));
    }
  }
  return mappings;
}

export function snakeCase(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

// A file is taken for a known export when at least this share of its columns, and three, are the
// format's: a Hearth export or a hand-made sheet shares a few names ("Email", "Company") with
// every CRM and must not be read with a CRM's meanings.
const FORMAT_MIN_SHARE = 0.5;
const FORMAT_MIN_COLUMNS = 3;

/**
 * The known format a header is, if any: the one that knows most of its columns.
 *
 * @example detectFormat(['First Name', 'Last Name', 'Lead Status', 'Created Date'], LEAD_FORMATS)
 * // { format: salesforce-leads, known: 4 }
 */
export function detectFormat(
  columns: readonly string[],
  formats: readonly KnownFormat[],
): { format: KnownFormat; known: number } | undefined {
  let best: { format: KnownFormat; known: number } | undefined;
  for (const format of formats) {
    const keys = formatKeys(format);
    const known = columns.filter((c) => keys.has(fieldKey(c))).length;
    if (known > (best?.known ?? 0)) best = { format, known };
  }
  if (!best || best.known < FORMAT_MIN_COLUMNS || best.known < columns.length * FORMAT_MIN_SHARE)
    return undefined;
  return best;
}

const keyCache = new WeakMap<object, Map<string, string>>();

function keyed(table: Readonly<Record<string, string>>): Map<string, string> {
  let keys = keyCache.get(table);
  if (!keys) {
    keys = new Map();
    for (const [column, target] of Object.entries(table))
      if (!keys.has(fieldKey(column))) keys.set(fieldKey(column), target);
    keyCache.set(table, keys);
  }
  return keys;
}

function formatKeys(format: KnownFormat): Map<string, string> {
  return keyed(format.columns);
}

/** The mapping of a file's columns, and how each was decided. */
export interface ColumnPlan {
  readonly format: (DetectedFormat & { readonly defaultType?: string; readonly idPrefix?: string }) | null;
  readonly columns: readonly PlannedColumn[];
  /** The target of any column, those seen after planning (JSON keys) included. */
  targetOf(column: string): PlannedColumn;
}

/**
 * Maps each column: a `--map` override first, then the detected format's name for it, then a
 * target it names exactly (`Job Title` → jobTitle), then a synonym, else an attribute in
 * snake_case.
 */
export function planColumns(
  columns: readonly string[],
  vocabulary: ImportVocabulary,
  overrides: ReadonlyMap<string, ColumnTarget>,
): ColumnPlan {
  const detected = detectFormat(columns, vocabulary.formats);
  const formatTable = detected ? formatKeys(detected.format) : undefined;
  const synonyms = keyed(vocabulary.synonyms);
  const exact = new Map(
    vocabulary.targets.filter((t) => !vocabulary.explicitOnly.includes(t)).map((t) => [fieldKey(t), t]),
  );
  const cache = new Map<string, PlannedColumn>();
  const targetOf = (column: string): PlannedColumn => {
    const cached = cache.get(column);
    if (cached) return cached;
    const key = fieldKey(column);
    const override = overrides.get(column);
    const fromFormat = formatTable?.get(key);
    const planned: PlannedColumn = override
      ? { column, target: override, decidedBy: 'mapping' }
      : fromFormat !== undefined
        ? { column, target: parseTarget(fromFormat, vocabulary), decidedBy: 'known format' }
        : exact.has(key)
          ? { column, target: { kind: 'field', field: exact.get(key) as string }, decidedBy: 'exact name' }
          : synonyms.has(key)
            ? { column, target: parseTarget(synonyms.get(key) as string, vocabulary), decidedBy: 'synonym' }
            : { column, target: { kind: 'extra', key: snakeCase(column) }, decidedBy: 'attribute' };
    cache.set(column, planned);
    return planned;
  };
  return {
    format: detected
      ? {
          id: detected.format.id,
          label: detected.format.label,
          known: detected.known,
          total: columns.length,
          ...(detected.format.defaultType ? { defaultType: detected.format.defaultType } : {}),
          ...(detected.format.idPrefix ? { idPrefix: detected.format.idPrefix } : {}),
        }
      : null,
    columns: columns.map(targetOf),
    targetOf,
  };
}

/** A target as the preview prints it: `company`, `attributes.budget`, `ignore`. */
export function describeTarget(target: ColumnTarget, vocabulary: ImportVocabulary): string {
  switch (target.kind) {
    case 'field':
      return target.field;
    case 'extra':
      return `${vocabulary.extrasKey}.${target.key}`;
    case 'ignore':
      return 'ignore';
  }
}
