import { Compile } from 'typebox/compile';
import type { FieldProblem } from '../errors.js';
import { type SchemaError, schemaProblems } from '../schema-problems.js';
import { buildCompiledModel } from './compiled-model.js';
import { POSITIVE_GROUPS, RETURNING_CUSTOMER_ID, type ScoringModel } from './model.js';
import { ScoringModelSchema } from './model-schema.js';

export type ModelValidation =
  | { readonly ok: true; readonly model: ScoringModel }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

const checker = Compile(ScoringModelSchema);

/**
 * Checks a scoring model document (parsed from JSON or YAML) and returns the typed model, or
 * every problem with its path. First the published JSON Schema, then what a schema cannot say:
 * regexes compile and cannot backtrack catastrophically, rule ids are unique, criteria exist,
 * points have the sign of their group, `hot ≥ warm`, and the `negative` half-life is at least
 * every positive group's (which keeps interest from rising without an event; docs/scoring.md).
 *
 * @example
 * validateModel({ ...b2bModel, halfLifeDays: { engagement: 30, intent: 14, negative: 7 } })
 * // { ok: false, problems: [{ path: 'halfLifeDays.negative', message: 'must be at least 30 …' }] }
 */
export function validateModel(doc: unknown): ModelValidation {
  if (!checker.Check(doc)) {
    return { ok: false, problems: schemaProblems([...checker.Errors(doc)] as SchemaError[]) };
  }
  const model = doc as ScoringModel;
  const problems: FieldProblem[] = [];
  buildCompiledModel(model, problems);
  checkIds(model, problems);
  checkPoints(model, problems);
  checkHalfLives(model, problems);
  checkQualification(model, problems);
  if (model.temperature.hot < model.temperature.warm) {
    problems.push({
      path: 'temperature.hot',
      message: `must be at least the warm threshold (${model.temperature.warm})`,
    });
  }
  return problems.length === 0 ? { ok: true, model } : { ok: false, problems: sortByPath(problems) };
}

function checkIds(model: ScoringModel, problems: FieldProblem[]): void {
  const seen = new Map<string, string>();
  const check = (id: string, path: string) => {
    if (id === RETURNING_CUSTOMER_ID) {
      problems.push({ path, message: `"${id}" is reserved for returning customers` });
    } else if (seen.has(id)) {
      problems.push({ path, message: `"${id}" is already the id of ${seen.get(id)}` });
    } else {
      seen.set(id, path.replace(/\.id$/, ''));
    }
  };
  const lists: [string, readonly { id: string }[]][] = [
    ['fit', model.fit],
    ['interest', model.interest],
    ['qualification.rules', model.qualification.rules],
    ['temperature.highIntent', model.temperature.highIntent],
  ];
  for (const [path, rules] of lists) {
    for (const [i, rule] of rules.entries()) check(rule.id, `${path}[${i}].id`);
  }
}

function checkPoints(model: ScoringModel, problems: FieldProblem[]): void {
  model.interest.forEach((rule, i) => {
    if (rule.group === 'negative' && rule.points > 0) {
      problems.push({ path: `interest[${i}].points`, message: 'must be 0 or less in the negative group' });
    }
    if (rule.group !== 'negative' && rule.points < 0) {
      problems.push({
        path: `interest[${i}].points`,
        message: `must be 0 or more in the ${rule.group} group (put penalties in the negative group)`,
      });
    }
  });
}

function checkHalfLives(model: ScoringModel, problems: FieldProblem[]): void {
  const longest = Math.max(...POSITIVE_GROUPS.map((g) => model.halfLifeDays[g]));
  if (model.halfLifeDays.negative < longest) {
    problems.push({
      path: 'halfLifeDays.negative',
      message: `must be at least ${longest} days (every positive group's half-life), or interest could rise with no event`,
    });
  }
}

function checkQualification(model: ScoringModel, problems: FieldProblem[]): void {
  const { criteria, minimumYes, rules } = model.qualification;
  const seen = new Set<string>();
  criteria.forEach((criterion, i) => {
    if (seen.has(criterion))
      problems.push({ path: `qualification.criteria[${i}]`, message: 'is listed twice' });
    seen.add(criterion);
  });
  if (minimumYes !== undefined && minimumYes > criteria.length) {
    problems.push({
      path: 'qualification.minimumYes',
      message: `cannot exceed the number of criteria (${criteria.length})`,
    });
  }
  rules.forEach((rule, i) => {
    if (!seen.has(rule.criterion)) {
      problems.push({
        path: `qualification.rules[${i}].criterion`,
        message: `must be one of the criteria (${criteria.join(', ')})`,
      });
    }
    const fit = rule.when.fit;
    if (fit?.min !== undefined && fit.max !== undefined && fit.min > fit.max) {
      problems.push({ path: `qualification.rules[${i}].when.fit`, message: 'min is greater than max' });
    }
  });
}

function sortByPath(problems: FieldProblem[]): FieldProblem[] {
  return [...problems].sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}
