import { fieldKey } from '../lead.js';
import { featureColumn, isCountFeature, type Observation } from './features.js';

/**
 * How one feature is turned into a small bin number, learned from the training leads. Bin 0 is
 * always "missing", so a tree can learn what a missing value means instead of guessing it.
 * Numbers: bin i+1 holds values ≤ edges[i] (and above the previous edge); the last bin holds the
 * rest. Categories: bin i+1 is categories[i]; the last bin is every rarer or unseen category.
 */
export type FeatureEncoding =
  | { readonly name: string; readonly kind: 'numeric'; readonly edges: readonly number[] }
  | { readonly name: string; readonly kind: 'categorical'; readonly categories: readonly string[] };

export function binCount(encoding: FeatureEncoding): number {
  return (encoding.kind === 'numeric' ? encoding.edges.length : encoding.categories.length) + 2;
}

// 32 quantile bins lose almost nothing against exact splits (LightGBM uses 255 for millions of
// rows; a few thousand leads cannot support finer cuts) and keep a bin in one byte.
const MAX_NUMERIC_BINS = 32;
const MAX_CATEGORIES = 30;
/** A category seen fewer times cannot be told apart from noise; it joins "other". */
const MIN_CATEGORY_COUNT = 10;
/** A feature filled in for fewer leads than this is left out. */
const MIN_PRESENT = 10;
/** Text in more than this share of a feature's values makes it a category. */
const TEXT_SHARE_FOR_CATEGORY = 0.05;

/**
 * True when a `--exclude` name covers the feature: a standard field (`industry`), an attribute by
 * its name (`Converted` or `attributes.Converted`, in any case and spacing), an event type
 * (`activity.demo_request`), a score (`fit`, `interest`) or a whole group (`activity`, `attributes`).
 */
export function isExcluded(feature: string, exclude: readonly string[]): boolean {
  const column = fieldKey(featureColumn(feature));
  return exclude.some((name) => {
    const key = fieldKey(name);
    if (key === 'activity' || key === 'attributes') return column.startsWith(key);
    return column === key || column === `attributes${key}`;
  });
}

function featureValue(observation: Observation, feature: string): number | string | null {
  const value = observation[feature];
  if (value === undefined || value === null) return isCountFeature(feature) ? 0 : null;
  return value;
}

function numericEdges(values: number[]): number[] {
  values.sort((a, b) => a - b);
  const distinct: number[] = [];
  for (const value of values) if (distinct.at(-1) !== value) distinct.push(value);
  if (distinct.length <= MAX_NUMERIC_BINS) return distinct.slice(0, -1);
  const edges: number[] = [];
  for (let i = 1; i < MAX_NUMERIC_BINS; i += 1) {
    const edge = values[Math.floor((i * values.length) / MAX_NUMERIC_BINS) - 1] as number;
    if (edges.at(-1) !== edge && edge < (distinct.at(-1) as number)) edges.push(edge);
  }
  return edges;
}

/**
 * Detects each feature's kind from the training leads (numeric unless more than 5% of its values
 * are text) and learns its bins. Features outside `exclude`, filled in for at least 10 leads and
 * with more than one value.
 */
export function learnEncodings(
  observations: readonly Observation[],
  exclude: readonly string[] = [],
): FeatureEncoding[] {
  const names = new Set<string>();
  for (const observation of observations) for (const name of Object.keys(observation)) names.add(name);
  const encodings: FeatureEncoding[] = [];
  for (const name of [...names].sort()) {
    if (isExcluded(name, exclude)) continue;
    const numbers: number[] = [];
    const texts = new Map<string, number>();
    for (const observation of observations) {
      const value = featureValue(observation, name);
      if (typeof value === 'number') numbers.push(value);
      else if (typeof value === 'string') texts.set(value, (texts.get(value) ?? 0) + 1);
    }
    const present = numbers.length + [...texts.values()].reduce((a, b) => a + b, 0);
    if (present < MIN_PRESENT) continue;
    if (texts.size > 0 && present - numbers.length > TEXT_SHARE_FOR_CATEGORY * present) {
      for (const number of numbers) texts.set(String(number), (texts.get(String(number)) ?? 0) + 1);
      const categories = [...texts.entries()]
        .filter(([, count]) => count >= MIN_CATEGORY_COUNT)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, MAX_CATEGORIES)
        .map(([category]) => category);
      if (categories.length >= 1 && (categories.length >= 2 || present < observations.length)) {
        encodings.push({ name, kind: 'categorical', categories });
      }
    } else {
      const edges = numericEdges(numbers);
      if (edges.length >= 1 || numbers.length < observations.length) {
        encodings.push({ name, kind: 'numeric', edges });
      }
    }
  }
  return encodings;
}

/** The bin of one value under an encoding. */
export function binOf(encoding: FeatureEncoding, value: number | string | null): number {
  if (value === null) return 0;
  if (encoding.kind === 'categorical') {
    const index = encoding.categories.indexOf(String(value));
    return index === -1 ? encoding.categories.length + 1 : index + 1;
  }
  if (typeof value !== 'number') return 0;
  const { edges } = encoding;
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value <= (edges[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low + 1;
}

/** One byte per feature per lead, feature-major: what the trees are grown on. */
export interface BinnedMatrix {
  readonly rows: number;
  readonly columns: readonly Uint8Array[];
}

export function binObservations(
  encodings: readonly FeatureEncoding[],
  observations: readonly Observation[],
): BinnedMatrix {
  return {
    rows: observations.length,
    columns: encodings.map((encoding) => {
      const column = new Uint8Array(observations.length);
      observations.forEach((observation, row) => {
        column[row] = binOf(encoding, featureValue(observation, encoding.name));
      });
      return column;
    }),
  };
}

/** The bins of one lead, in encoding order. */
export function binRow(encodings: readonly FeatureEncoding[], observation: Observation): Uint8Array {
  return Uint8Array.from(encodings, (encoding) => binOf(encoding, featureValue(observation, encoding.name)));
}

/** A bin's meaning for a person: `≤ 250`, `250 – 1000`, `> 1000`, `software`, `other`, `missing`. */
export function describeBin(encoding: FeatureEncoding, bin: number): string {
  if (bin === 0) return 'missing';
  if (encoding.kind === 'categorical') return encoding.categories[bin - 1] ?? 'other';
  const { edges } = encoding;
  const upper = edges[bin - 1];
  const lower = edges[bin - 2];
  if (upper === undefined) return `> ${round(lower as number)}`;
  if (lower === undefined) return `≤ ${round(upper)}`;
  return `${round(lower)} – ${round(upper)}`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
}
