import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { type BacktestReport, runBacktest } from '../../app/backtest/backtest-service.js';
import { HearthError } from '../../domain/errors.js';
import { TEMPERATURES } from '../../domain/scoring/model.js';
import { type Io, line, withApp } from '../runtime.js';
import { checkedModel } from './model.js';

export interface BacktestCommandOptions {
  readonly modelVersion?: string;
  readonly k?: string;
  readonly targetPrecision?: string;
  readonly json?: boolean;
}

const PLAIN = { head: [], border: [] };
const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
const decimal = (value: number | null) => (value === null ? '–' : value.toFixed(3));

function numberOption(name: string, text: string, check: (n: number) => boolean, rule: string): number {
  const value = Number(text);
  if (text.trim() === '' || !check(value)) {
    throw HearthError.invalid([{ path: name, message: `"${text}" is not ${rule}` }]);
  }
  return value;
}

/**
 * `hearth model backtest [FILE] [--model-version N]`: scores every decided lead as of its decision
 * time under FILE (or a published version, or the draft) and prints the report, with a progress
 * bar on a terminal.
 */
export async function backtestCommand(
  io: Io,
  file: string | undefined,
  options: BacktestCommandOptions,
): Promise<void> {
  if (file !== undefined && options.modelVersion !== undefined) {
    throw HearthError.invalid([
      { path: '--model-version', message: 'give either FILE or --model-version, not both' },
    ]);
  }
  const document = file === undefined ? undefined : checkedModel(io, file);
  const version =
    options.modelVersion === undefined
      ? undefined
      : numberOption(
          '--model-version',
          options.modelVersion,
          (n) => Number.isInteger(n) && n >= 1,
          'a version number',
        );
  const k = options.k
    ?.split(',')
    .map((part) => numberOption('--k', part, (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1'));
  const targetPrecision =
    options.targetPrecision === undefined
      ? undefined
      : numberOption('--target-precision', options.targetPrecision, (n) => n > 0 && n <= 1, 'in (0, 1]');
  const report = await withApp(io, async (app) => {
    const bar = io.err.isTTY
      ? new SingleBar({
          format: '{bar} {percentage}% | {value}/{total} decided leads | {eta_formatted} left',
          stream: io.err,
        })
      : undefined;
    let started = false;
    return runBacktest(
      app.ctx,
      {
        ...(document === undefined ? {} : { document }),
        ...(version === undefined ? {} : { version }),
        ...(k === undefined ? {} : { k }),
        ...(targetPrecision === undefined ? {} : { targetPrecision }),
      },
      {
        onProgress: (done, total) => {
          if (!started) bar?.start(total, 0);
          started = true;
          bar?.update(done);
        },
      },
    ).finally(() => bar?.stop());
  });
  if (options.json) line(io.out, JSON.stringify(report, null, 2));
  else printReport(io, report);
}

function printReport(io: Io, report: BacktestReport): void {
  const { model } = report;
  line(
    io.out,
    `Backtest of ${model.source === 'version' ? `version ${model.version}` : model.source}${model.name ? ` "${model.name}"` : ''} against the active version ${report.activeVersion}: ${report.leads} decided leads, ${report.won} won, ${report.lost} lost, base rate ${percent(report.baseRate)}`,
  );
  if (report.leads === 0) {
    line(
      io.out,
      'No lead has a known outcome yet: record outcomes (hearth outcome) or import them (--map "Column=outcome").',
    );
    return;
  }
  const table = new Table({ style: PLAIN, head: ['temperature', 'leads', 'won', 'conversion'] });
  for (const t of [...TEMPERATURES].reverse()) {
    const row = report.byTemperature[t];
    table.push([t, row.leads, row.won, percent(row.conversionRate)]);
  }
  line(io.out, table.toString());
  line(
    io.out,
    `Lift of hot over the base rate: ${report.hotLift === null ? '–' : `${report.hotLift.toFixed(2)}×`}`,
  );
  const { auc } = report;
  line(
    io.out,
    `ROC AUC: fit ${decimal(auc.fit)}, interest ${decimal(auc.interest)}, combined (fit + interest) ${decimal(auc.combined)}, temperature ${decimal(auc.temperature)}`,
  );
  line(
    io.out,
    `Precision at top k (by temperature, then fit + interest): ${report.precisionAtK.map((p) => `${p.k}: ${percent(p.precision)}`).join(', ')}`,
  );
  const moved = Object.entries(report.changedVsActive.moved)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([change, n]) => `${change} ${n}`);
  line(
    io.out,
    `Versus the active model: ${report.changedVsActive.leads} leads change temperature${moved.length > 0 ? ` (${moved.join(', ')})` : ''}`,
  );
  const { hot, warm, targetPrecision } = report.suggestions;
  line(
    io.out,
    `Suggested hot threshold for ${percent(targetPrecision)} precision: ${hot === null ? 'none reaches it' : `${hot.threshold} (${hot.leads} hot leads, precision ${percent(hot.precision)}, recall ${percent(hot.recall)})`}`,
  );
  line(
    io.out,
    `Suggested warm threshold (best Youden's J on interest): ${warm === null ? '–' : `${warm.threshold} (J ${warm.j.toFixed(3)})`}`,
  );
  line(io.out, `Took ${(report.elapsedMs / 1000).toFixed(1)} s`);
}
