import type { FieldProblem } from '../errors.js';
import { dateSpan } from './calendar.js';
import { type Condition, DAY_MS, type Matcher, type Scalar } from './model.js';
import { compileModelRegex, type ModelRegex } from './regex-safety.js';

/** Reads a value by path segments: a lead field, an attribute, an event property. */
export type ValueReader = (path: readonly string[]) => unknown;

/** A condition ready to evaluate: regexes compiled, paths split. */
export interface CompiledCondition {
  /** Whether the condition holds for the values `read` returns, at `nowMs` (for date tests). */
  holds(read: ValueReader, nowMs: number): boolean;
  /**
   * Instants (ms) at which the answer can change with time alone: the edges of every
   * `withinNextDays` window. Empty for conditions that do not depend on time.
   */
  edges(read: ValueReader): number[];
}

interface CompileOptions {
  /** Whether `withinNextDays` is allowed here (only qualification rules on lead fields). */
  readonly allowTime: boolean;
  /** Checks the first segment of each path; returns a message for a path that cannot exist. */
  readonly checkPath?: (segments: readonly string[]) => string | null;
}

const COMBINATORS = new Set(['all', 'any', 'not']);

/**
 * Compiles a model condition. Problems (bad regex, unknown field, time test where none is
 * allowed) are appended to `problems` with paths under `at`, such as `interest[3].where.url`;
 * the returned condition is only meaningful when none were added.
 *
 * @example
 * const problems: FieldProblem[] = [];
 * const c = compileCondition({ url: { regex: '/pricing' } }, 'interest[2].where', problems, { allowTime: false });
 * c.holds((path) => (path[0] === 'url' ? '/pricing/teams' : undefined), 0); // true
 */
export function compileCondition(
  condition: Condition,
  at: string,
  problems: FieldProblem[],
  options: CompileOptions,
): CompiledCondition {
  const parts: CompiledCondition[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (value === undefined) continue;
    if (key === 'all' || key === 'any') {
      const items = (value as readonly Condition[]).map((c, i) =>
        compileCondition(c, `${at}.${key}[${i}]`, problems, options),
      );
      parts.push(key === 'all' ? allOf(items) : anyOf(items));
    } else if (key === 'not') {
      const inner = compileCondition(value as Condition, `${at}.not`, problems, options);
      parts.push({ holds: (read, now) => !inner.holds(read, now), edges: (read) => inner.edges(read) });
    } else if (!COMBINATORS.has(key)) {
      parts.push(compileField(key, value as Matcher, `${at}.${key}`, problems, options));
    }
  }
  return allOf(parts);
}

function allOf(items: readonly CompiledCondition[]): CompiledCondition {
  return {
    holds: (read, now) => items.every((item) => item.holds(read, now)),
    edges: (read) => items.flatMap((item) => item.edges(read)),
  };
}

function anyOf(items: readonly CompiledCondition[]): CompiledCondition {
  return {
    holds: (read, now) => items.some((item) => item.holds(read, now)),
    edges: (read) => items.flatMap((item) => item.edges(read)),
  };
}

function compileField(
  path: string,
  matcher: Matcher,
  at: string,
  problems: FieldProblem[],
  options: CompileOptions,
): CompiledCondition {
  const segments = path.split('.');
  if (segments.some((s) => s === '')) problems.push({ path: at, message: 'is not a valid field path' });
  const pathProblem = options.checkPath?.(segments);
  if (pathProblem) problems.push({ path: at, message: pathProblem });
  let regex: ModelRegex | null = null;
  if (matcher.regex !== undefined) {
    const compiled = compileModelRegex(matcher.regex, matcher.ignoreCase ?? false);
    if (compiled.ok) regex = compiled.regex;
    else problems.push({ path: at, message: compiled.message });
  }
  if (matcher.withinNextDays !== undefined && !options.allowTime) {
    problems.push({
      path: `${at}.withinNextDays`,
      message: 'only qualification rules on lead fields may depend on the time (use them for timelines)',
    });
  }
  if (matcher.min !== undefined && matcher.max !== undefined && matcher.min > matcher.max) {
    problems.push({ path: at, message: `min (${matcher.min}) is greater than max (${matcher.max})` });
  }
  const withinMs = matcher.withinNextDays === undefined ? null : matcher.withinNextDays * DAY_MS;

  const valueHolds = (value: unknown, nowMs: number): boolean => {
    if (matcher.equals !== undefined && !sameValue(value, matcher.equals)) return false;
    if (matcher.in !== undefined && !matcher.in.some((expected) => sameValue(value, expected))) return false;
    if (matcher.min !== undefined || matcher.max !== undefined) {
      const n = toNumber(value);
      if (n === null) return false;
      if (matcher.min !== undefined && n < matcher.min) return false;
      if (matcher.max !== undefined && n > matcher.max) return false;
    }
    if (regex !== null && !(isScalar(value) && value !== null && regex.test(String(value)))) return false;
    if (withinMs !== null) {
      const span = dateSpan(value);
      if (span === null || nowMs < span.startMs - withinMs || nowMs > span.endMs) return false;
    }
    return true;
  };
  const onlyExists = Object.keys(matcher).every((k) => k === 'exists' || k === 'ignoreCase');

  return {
    holds(read, nowMs) {
      const value = read(segments);
      const present = isPresent(value);
      if (matcher.exists !== undefined && present !== matcher.exists) return false;
      if (onlyExists) return true;
      if (!present) return false;
      const candidates = Array.isArray(value) ? value : [value];
      return candidates.some((candidate) => valueHolds(candidate, nowMs));
    },
    edges(read) {
      if (withinMs === null) return [];
      const value = read(segments);
      const candidates = Array.isArray(value) ? value : [value];
      return candidates.flatMap((candidate) => {
        const span = dateSpan(candidate);
        return span === null ? [] : [span.startMs - withinMs, span.endMs + 1];
      });
    },
  };
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Forgiving equality for data that arrives from CSV files and web forms. */
function sameValue(value: unknown, expected: Scalar): boolean {
  if (expected === null) return !isPresent(value);
  if (typeof expected === 'number') return toNumber(value) === expected;
  if (!isScalar(value) || value === null) return false;
  return String(value).trim().toLowerCase() === String(expected).trim().toLowerCase();
}

/**
 * Reads a path inside a plain object: `['answers', 'budget']` → `obj.answers.budget`.
 *
 * @example readPath({ answers: { budget: 'yes' } }, ['answers', 'budget']) // 'yes'
 */
export function readPath(root: unknown, path: readonly string[]): unknown {
  let value: unknown = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}
