import { MultiBar, type SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import {
  predictionStatus,
  type TrainingPhase,
  type TrainingReport,
  trainPrediction,
} from '../../app/prediction/prediction-service.js';
import type { Factor } from '../../domain/prediction/predictor.js';
import type { StoredPrediction } from '../../store/prediction.js';
import { type Io, line, withApp } from '../runtime.js';

const PLAIN = { head: [], border: [] };
const decimal = (value: number | null) => (value === null ? '–' : value.toFixed(3));
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

const PHASE_LABEL: Record<TrainingPhase, string> = {
  reading: 'decided leads read',
  training: 'trained',
  predicting: 'open leads predicted',
};

/**
 * `hearth predict train [--exclude COL,…]`: trains the predictive score on every lead with a
 * known outcome, prints its held-out quality, and predicts every open lead.
 */
export async function trainCommand(io: Io, options: { exclude?: string; json?: boolean }): Promise<void> {
  const exclude = (options.exclude ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const report = await withApp(io, async (app) => {
    const bars = io.err.isTTY
      ? new MultiBar({
          format: '{bar} {percentage}% | {value}/{total} {label}',
          stream: io.err,
          hideCursor: true,
        })
      : undefined;
    const shown = new Map<TrainingPhase, SingleBar>();
    return trainPrediction(
      app.ctx,
      { exclude, trigger: 'manual', requestedBy: null },
      (phase, done, total) => {
        if (!bars) return;
        let bar = shown.get(phase);
        if (!bar) {
          bar = bars.create(total, 0, { label: PHASE_LABEL[phase] });
          shown.set(phase, bar);
        }
        bar.setTotal(total);
        bar.update(done);
      },
    ).finally(() => bars?.stop());
  });
  if (options.json) line(io.out, JSON.stringify(report, null, 2));
  else printTraining(io, report);
}

function printTraining(io: Io, report: TrainingReport): void {
  const { quality } = report;
  line(
    io.out,
    `Trained model ${report.modelId} on ${report.examples.won} won and ${report.examples.lost} lost leads, ${report.features} features${report.exclude.length > 0 ? `, excluding ${report.exclude.join(', ')}` : ''} (${(report.elapsedMs / 1000).toFixed(1)} s).`,
  );
  line(
    io.out,
    `Measured on the latest ${quality.heldOut} decisions (${quality.heldOutWon} won), after learning from the ${quality.trainedOn} before them:`,
  );
  const table = new Table({ style: PLAIN });
  table.push(
    ['ROC AUC', decimal(quality.auc), `an additive model (no interactions): ${decimal(quality.additiveAuc)}`],
    ['log loss', decimal(quality.logLoss), `always the base rate: ${decimal(quality.baseRateLogLoss)}`],
    ['calibration error', decimal(quality.calibrationError), '0 is perfect; under 0.05 is good'],
  );
  line(io.out, table.toString());
  const bands = new Table({ style: PLAIN, head: ['predicted', 'leads', 'mean predicted', 'converted'] });
  for (const band of quality.reliability) {
    bands.push([
      `${percent(band.from)}–${percent(band.to)}`,
      band.leads,
      percent(band.meanProbability),
      percent(band.conversionRate),
    ]);
  }
  line(io.out, bands.toString());
  for (const suspect of report.suspects) {
    line(
      io.out,
      `Warning: ${suspect.column} alone separates won from lost (AUC ${suspect.auc.toFixed(3)}). If it is filled in after the decision it leaks the outcome: train again with --exclude ${suspect.column.replace(/^attributes\./, '')}.`,
    );
  }
  line(io.out, `Gave ${report.predicted} open leads a probability.`);
}

/** `hearth predict status`: the model in use and the latest trainings. */
export async function statusCommand(io: Io, options: { json?: boolean }): Promise<void> {
  const status = await withApp(io, (app) => predictionStatus(app.ctx));
  if (options.json) {
    line(io.out, JSON.stringify(status, null, 2));
    return;
  }
  if (!status.model) {
    line(
      io.out,
      'No predictive model yet: run `hearth predict train` once 50 won and 50 lost leads are recorded.',
    );
  } else {
    const quality = (status.model.report as { quality: TrainingReport['quality'] }).quality;
    line(
      io.out,
      `Model ${status.model.id}, trained ${status.model.trainedAt.toISOString()} (${status.model.trigger}): held-out AUC ${decimal(quality.auc)}, log loss ${decimal(quality.logLoss)}, calibration error ${decimal(quality.calibrationError)}`,
    );
  }
  for (const run of status.runs) {
    line(
      io.out,
      `  run ${run.id}  ${run.state}  ${run.trigger}  started ${run.startedAt.toISOString()}${run.error ? `  ${run.error}` : ''}`,
    );
  }
}

function describeFactor(factor: Factor): string {
  const sign = factor.points >= 0 ? '+' : '−';
  return `${sign}${Math.abs(factor.points).toFixed(1)} pts  ${factor.value}`;
}

/** The lines `hearth lead` prints for a lead's prediction. */
export function describePrediction(prediction: StoredPrediction | null): string {
  if (!prediction) return 'Probability: none yet (hearth predict train).';
  return [
    `Probability of converting: ${percent(prediction.probability)} (model ${prediction.modelId}, ${prediction.predictedAt.toISOString()})`,
    ...prediction.positive.map((f) => `  ${describeFactor(f)}`),
    ...prediction.negative.map((f) => `  ${describeFactor(f)}`),
  ].join('\n');
}
