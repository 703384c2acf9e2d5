import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { parse as parseYaml } from 'yaml';
import {
  modelOverview,
  publishModel,
  resumePublishJobs,
  runPublishJob,
} from '../../app/scoring/model-lifecycle.js';
import { HearthError, isHearthError } from '../../domain/errors.js';
import { type ScoringModel, validateModel } from '../../domain/scoring/index.js';
import { renderModelSchema } from '../../domain/scoring/model-schema.js';
import type { PublishJob } from '../../store/models.js';
import { type Io, line, OPERATOR, withApp } from '../runtime.js';

/** Reads a model document: YAML unless the name ends in .json (YAML 1.2 also reads JSON). */
function readDocument(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new HearthError('not_found', `Cannot read ${file}: no such file`);
  }
  try {
    return file.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw HearthError.invalid([
      { path: file, message: `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${reason}` },
    ]);
  }
}

/** Validates a model file, printing each problem on its own line; throws `invalid` (exit 2) if any. */
export function checkedModel(io: Io, file: string): ScoringModel {
  const result = validateModel(readDocument(file));
  if (result.ok) return result.model;
  for (const problem of result.problems) line(io.err, `${problem.path || '(document)'}: ${problem.message}`);
  const count = result.problems.length;
  throw new HearthError('invalid', `${file}: ${count} problem${count === 1 ? '' : 's'}`, {
    problems: result.problems,
  });
}

/** `hearth model validate FILE`. */
export function validateCommand(io: Io, file: string): void {
  const model = checkedModel(io, file);
  line(io.out, `${file}: a valid scoring model ("${model.name}")`);
}

/** `hearth model schema`: the JSON Schema of model documents. */
export function schemaCommand(io: Io): void {
  io.out.write(renderModelSchema());
}

/** `hearth model show`: the active model, the draft and the history. */
export async function showCommand(io: Io, options: { json?: boolean }): Promise<void> {
  await withApp(io, async (app) => {
    const overview = await modelOverview(app.ctx);
    if (options.json) {
      line(io.out, JSON.stringify(overview, null, 2));
      return;
    }
    const { active, draft, history, publishing } = overview;
    const model = active.document;
    line(
      io.out,
      `Active: version ${active.version} "${model.name}", published ${active.publishedAt?.toISOString() ?? '?'} by ${active.publishedBy ?? '?'}`,
    );
    line(
      io.out,
      `  ${model.fit.length} fit rules, ${model.interest.length} interest rules; warm ≥ ${model.temperature.warm}, hot ≥ ${model.temperature.hot}; half-lives (days) engagement ${model.halfLifeDays.engagement}, intent ${model.halfLifeDays.intent}, negative ${model.halfLifeDays.negative}`,
    );
    line(
      io.out,
      draft ? `Draft: "${draft.document.name}", saved ${draft.createdAt.toISOString()}` : 'Draft: none',
    );
    if (publishing) {
      line(
        io.out,
        `Rescoring for version ${publishing.version}: ${publishing.done} of ${publishing.total} leads`,
      );
    }
    line(io.out, 'History:');
    for (const version of history) {
      line(
        io.out,
        `  ${version.version}  ${version.publishedAt?.toISOString() ?? ''}  ${version.publishedBy ?? ''}`,
      );
    }
  });
}

const movedSummary = (job: PublishJob): string => {
  const parts = Object.entries(job.moved)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([change, n]) => `${change} ${n}`);
  return parts.length === 0 ? 'no lead changed temperature' : `moved ${parts.join(', ')}`;
};

/**
 * `hearth model publish [FILE]`: validates FILE (or takes the draft), publishes it and runs the
 * rescore here, with a progress bar on a terminal.
 */
export async function publishCommand(io: Io, file: string | undefined): Promise<void> {
  const document = file === undefined ? undefined : checkedModel(io, file);
  await withApp(io, async (app) => {
    const { model, job } = await publishModel(app.ctx, OPERATOR, document).catch((error: unknown) => {
      // Validation already printed each problem of a file; the draft's are printed here.
      if (isHearthError(error) && error.code === 'invalid') {
        for (const p of error.details.problems ?? []) line(io.err, `${p.path}: ${p.message}`);
      }
      throw error;
    });
    line(io.err, `Published version ${model.version}; rescoring ${job.total} leads…`);
    const bar =
      io.err.isTTY && job.total > 0
        ? new SingleBar({
            format: '{bar} {percentage}% | {value}/{total} leads | {eta_formatted} left',
            stream: io.err,
          })
        : undefined;
    bar?.start(job.total, 0);
    const finished = await runPublishJob(app.ctx, job.id, {
      onProgress: (progress) => bar?.update(Math.min(progress.done, job.total)),
    }).finally(() => bar?.stop());
    line(
      io.out,
      `version ${model.version}: rescored ${finished.done} of ${finished.total} leads (${finished.state}); ${movedSummary(finished)}`,
    );
  });
}

/** `hearth model rescore`: finishes the rescore of a publish interrupted by a stop or a crash. */
export async function rescoreCommand(io: Io): Promise<void> {
  await withApp(io, async (app) => {
    const job = await resumePublishJobs(app.ctx);
    line(
      io.out,
      job
        ? `version ${job.version}: rescored ${job.done} of ${job.total} leads (${job.state}); ${movedSummary(job)}`
        : 'No publish is being rescored.',
    );
  });
}
