/**
 * The evidence behind the predictive score's method (docs/prediction.md): on planted history
 * (src/domain/prediction/planted-history.ts: a known conversion model with a non-linear effect
 * and an interaction), the held-out AUC and calibration of
 *   - the planted model itself (the best possible),
 *   - Hearth's gradient-boosted trees (the trainer `hearth predict train` runs),
 *   - the same trees limited to one split each (an additive model: no interactions),
 *   - an L2-regularised logistic regression on the same features (the linear baseline),
 * all on the same time split (the latest 20% of decisions held out).
 *
 *   npx tsx bench/prediction.ts [leads=20000] [seed=11]
 *
 * Pure computation, no database. Writes bench/results/prediction-<leads>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { rocAuc } from '../src/domain/backtest/metrics.js';
import { expectedCalibrationError, logLoss, sigmoid } from '../src/domain/prediction/calibration.js';
import { isCountFeature, type Observation } from '../src/domain/prediction/features.js';
import { plantedExamples, plantedHistory } from '../src/domain/prediction/planted-history.js';
import { HOLDOUT_SHARE, trainPredictor } from '../src/domain/prediction/predictor.js';
import { b2bModel } from '../src/domain/scoring/index.js';

const get = <T>(items: readonly T[], index: number) => items[index] as T;
const count = Number(process.argv[2] ?? 20_000);
const seed = Number(process.argv[3] ?? 11);

let started = performance.now();
const history = plantedHistory({ count, seed });
const examples = plantedExamples(history, b2bModel);
const prepareMs = performance.now() - started;

const order = examples
  .map((_, i) => i)
  .sort((a, b) => get(examples, a).decidedAt.getTime() - get(examples, b).decidedAt.getTime());
const cut = Math.round(order.length * (1 - HOLDOUT_SHARE));
const trainRows = order.slice(0, cut);
const testRows = order.slice(cut);
const testWon = testRows.map((i) => get(examples, i).won);
const auc = (scores: number[]) =>
  rocAuc(scores.map((score, i) => ({ score, won: testWon[i] as boolean }))) as number;

const planted = testRows.map((i) => get(history, i).trueProbability);

started = performance.now();
const trained = trainPredictor(examples);
const trainMs = performance.now() - started;

// The linear baseline: numbers standardised (missing → 0 plus a missing flag; counts of events
// never done → 0), categories one-hot, fitted by gradient descent on the log loss with L2.
function linearBaseline(): { auc: number; ece: number; logLoss: number } {
  const rows = examples.map((e) => e.observation);
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))].sort();
  const value = (r: Observation, name: string) => r[name] ?? (isCountFeature(name) ? 0 : null);
  const columns: ((r: Observation) => number)[] = [];
  for (const name of names) {
    const values = trainRows.map((i) => value(get(rows, i), name));
    const numbers = values.filter((v): v is number => typeof v === 'number');
    const texts = values.filter((v): v is string => typeof v === 'string');
    if (texts.length > numbers.length) {
      const counts = new Map<string, number>();
      for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [category, n] of counts)
        if (n >= 10) columns.push((r) => (value(r, name) === category ? 1 : 0));
    } else if (numbers.length >= 10) {
      const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
      const sd = Math.sqrt(numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / numbers.length) || 1;
      columns.push((r) => {
        const v = value(r, name);
        return typeof v === 'number' ? (v - mean) / sd : 0;
      });
      if (numbers.length < values.length) columns.push((r) => (typeof value(r, name) === 'number' ? 0 : 1));
    }
  }
  const x = rows.map((r) => Float64Array.from(columns, (c) => c(r)));
  const w = new Float64Array(columns.length);
  let b = 0;
  const lambda = 1e-3;
  for (let epoch = 0; epoch < 300; epoch += 1) {
    const gw = new Float64Array(columns.length);
    let gb = 0;
    for (const i of trainRows) {
      const xi = get(x, i);
      let z = b;
      for (let j = 0; j < xi.length; j += 1) z += (w[j] as number) * (xi[j] as number);
      const residual = sigmoid(z) - (get(examples, i).won ? 1 : 0);
      gb += residual;
      for (let j = 0; j < xi.length; j += 1) gw[j] = (gw[j] as number) + residual * (xi[j] as number);
    }
    for (let j = 0; j < w.length; j += 1)
      w[j] = (w[j] as number) - 0.5 * ((gw[j] as number) / trainRows.length + lambda * (w[j] as number));
    b -= 0.5 * (gb / trainRows.length);
  }
  const p = testRows.map((i) => {
    let z = b;
    const xi = get(x, i);
    for (let j = 0; j < xi.length; j += 1) z += (w[j] as number) * (xi[j] as number);
    return sigmoid(z);
  });
  return { auc: auc(p), ece: expectedCalibrationError(p, testWon), logLoss: logLoss(p, testWon) };
}

const linear = linearBaseline();
const result = {
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version },
  leads: count,
  heldOut: testRows.length,
  seed,
  planted: {
    auc: auc(planted),
    ece: expectedCalibrationError(planted, testWon),
    logLoss: logLoss(planted, testWon),
  },
  trees: {
    auc: trained.quality.auc,
    ece: trained.quality.calibrationError,
    logLoss: trained.quality.logLoss,
    trees: trained.quality.trees,
  },
  additive: { auc: trained.quality.additiveAuc },
  linear,
  timings: { prepareMs: Math.round(prepareMs), trainMs: Math.round(trainMs) },
};
console.table({
  planted: result.planted,
  'gradient-boosted trees (Hearth)': {
    auc: result.trees.auc,
    ece: result.trees.ece,
    logLoss: result.trees.logLoss,
  },
  'additive (one split per tree)': { auc: result.additive.auc },
  'logistic regression': linear,
});
console.info(
  `${count} leads (${testRows.length} held out), features in ${(prepareMs / 1000).toFixed(1)} s, training (3 fits) in ${(trainMs / 1000).toFixed(1)} s on ${result.machine.cpu}`,
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL(`./results/prediction-${count}.json`, import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
