import { RE2JS } from 're2js';

/**
 * Regexes in a scoring model run against every event, so a pattern that backtracks
 * catastrophically would stall ingest. They therefore run on RE2JS, a port of RE2 whose matching
 * time is linear in the input for every pattern: `(a|aa)+$` or `.*.*.*x` cannot hang the
 * server. The price is RE2's syntax: no backreferences (`\1`) and no lookaround (`(?=…)`), which
 * are refused when the model is validated. We also keep refusing the classic shape of a
 * backtracking bomb — a quantified group that itself contains a quantifier (`(a+)+`, `(\w*)*`) —
 * so that a model stays safe to reuse with an ordinary regex engine (a report, a spreadsheet).
 */

/** A compiled model regex: `test` runs in time linear in the text. */
export interface ModelRegex {
  test(text: string): boolean;
}

export type RegexCheck = { ok: true; regex: ModelRegex } | { ok: false; message: string };

/**
 * Compiles a model regex, refusing invalid and nested-quantifier patterns.
 *
 * @example compileModelRegex('(a+)+$', false) // { ok: false, message: 'nested quantifier …' }
 */
export function compileModelRegex(pattern: string, ignoreCase: boolean): RegexCheck {
  try {
    // JavaScript's own parser first: its messages are the ones model authors know.
    new RegExp(pattern, ignoreCase ? 'i' : '');
  } catch (error) {
    return { ok: false, message: `invalid regex: ${(error as Error).message}` };
  }
  if (hasNestedQuantifier(pattern)) {
    return {
      ok: false,
      message:
        'invalid regex: a quantified group contains a quantifier (e.g. (a+)+), which can backtrack catastrophically',
    };
  }
  try {
    const regex = RE2JS.compile(RE2JS.translateRegExp(pattern), ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
    return { ok: true, regex };
  } catch (error) {
    return {
      ok: false,
      message: `invalid regex: not supported by the linear-time matcher (no backreferences or lookaround): ${(error as Error).message}`,
    };
  }
}

/** True when a group that contains a quantifier is itself repeated by `*`, `+` or `{n,}`/`{n,m}`. */
export function hasNestedQuantifier(pattern: string): boolean {
  // One entry per open group: does its content so far contain a quantifier?
  const groups: boolean[] = [];
  let i = 0;
  const markQuantified = () => {
    if (groups.length > 0) groups[groups.length - 1] = true;
  };
  while (i < pattern.length) {
    const char = pattern[i];
    if (char === '\\') {
      i += 2;
      continue;
    }
    if (char === '[') {
      i = endOfClass(pattern, i);
      continue;
    }
    if (char === '(') {
      groups.push(false);
      i += 1;
      continue;
    }
    if (char === ')') {
      const innerQuantified = groups.pop() ?? false;
      const quantifier = repeatingQuantifierAt(pattern, i + 1);
      if (quantifier > 0 && innerQuantified) return true;
      if (innerQuantified || quantifier > 0) markQuantified();
      i += 1 + quantifier;
      continue;
    }
    const quantifier = repeatingQuantifierAt(pattern, i);
    if (quantifier > 0) {
      markQuantified();
      i += quantifier;
      continue;
    }
    i += 1;
  }
  return false;
}

/** The length of a quantifier that repeats (`*`, `+`, `{n,}`, `{n,m}` with m > 1) at `at`, or 0. */
function repeatingQuantifierAt(pattern: string, at: number): number {
  const char = pattern[at];
  if (char === '*' || char === '+') return pattern[at + 1] === '?' ? 2 : 1;
  if (char !== '{') return 0;
  const match = /^\{(\d+)(,(\d*))?\}\??/.exec(pattern.slice(at));
  if (!match) return 0;
  const upper =
    match[2] === undefined ? Number(match[1]) : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
  return upper > 1 ? match[0].length : 0;
}

function endOfClass(pattern: string, start: number): number {
  let i = start + 1;
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
  return i + 1;
}
