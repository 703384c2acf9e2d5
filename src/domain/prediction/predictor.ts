import { rocAuc } from '../backtest/metrics.js';
import { HearthError } from '../errors.js';
import {
  type BoostingOptions,
  boostingRounds,
  contributionsOf,
  DEFAULT_BOOSTING,
  type Ensemble,
  type FeatureShape,
  finish,
  marginOf,
} from './boosting.js';
import {
  type Calibration,
  calibrated,
  expectedCalibrationError,
  fitPlatt,
  logLoss,
  type ReliabilityBand,
  reliabilityBands,
  sigmoid,
} from './calibration.js';
import {
  binCount,
  binObservations,
  binRow,
  describeBin,
  type FeatureEncoding,
  learnEncodings,
} from './encoding.js';
import { featureColumn, type Observation } from './features.js';

/** A closed lead as the trainer sees it: what was known at its decision, and how it ended. */
export interface TrainingExample {
  readonly observation: Observation;
  readonly won: boolean;
  readonly decidedAt: Date;
}

/** Everything needed to predict, stored as JSON with the model. */
export interface Predictor {
  readonly encodings: readonly FeatureEncoding[];
  readonly ensemble: Ensemble;
  readonly calibration: Calibration;
}

/**
 * Fewest won and fewest lost leads to train on. The quality report holds out the latest 20% of
 * decisions, and trees need about 20 leads a leaf: with 50 of each outcome the held-out set has
 * about 10 of each — the least for an AUC whose error (±0.07) still tells a useful model from a
 * coin. Below it a probability would be noise presented as knowledge.
 */
export const MINIMUM_OUTCOMES_EACH = 50;
/** Share of the latest decisions held out to measure quality, and to stop and calibrate within training. */
export const HOLDOUT_SHARE = 0.2;
/** A feature that alone ranks the outcomes this well is almost surely filled in after the decision. */
export const LEAKAGE_AUC = 0.97;

/** How well the model predicts leads it did not see, decided after those it learned from. */
export interface PredictionQuality {
  readonly method: 'time_split';
  readonly trainedOn: number;
  readonly heldOut: number;
  readonly heldOutWon: number;
  readonly auc: number | null;
  readonly logLoss: number;
  /** The log loss of always predicting the training base rate: the bar to beat. */
  readonly baseRateLogLoss: number;
  readonly calibrationError: number;
  readonly reliability: readonly ReliabilityBand[];
  /** The same held-out AUC from an additive model (one split per tree: no interactions). */
  readonly additiveAuc: number | null;
  readonly trees: number;
}

export interface SuspectFeature {
  readonly column: string;
  readonly auc: number;
}

export interface TrainingResult {
  readonly predictor: Predictor;
  readonly quality: PredictionQuality;
  readonly features: number;
  readonly examples: { readonly won: number; readonly lost: number };
  /** Columns that alone separate won from lost almost perfectly: likely leaks to exclude. */
  readonly suspects: readonly SuspectFeature[];
}

export interface TrainingOptions {
  readonly exclude?: readonly string[];
  readonly boosting?: Partial<BoostingOptions>;
}

function byDecision(examples: readonly TrainingExample[]): TrainingExample[] {
  return [...examples].sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
}

function split<T>(items: readonly T[]): { earlier: T[]; later: T[] } {
  const cut = Math.round(items.length * (1 - HOLDOUT_SHARE));
  return { earlier: items.slice(0, cut), later: items.slice(cut) };
}

function labelled(encodings: readonly FeatureEncoding[], examples: readonly TrainingExample[]) {
  return {
    matrix: binObservations(
      encodings,
      examples.map((e) => e.observation),
    ),
    labels: Uint8Array.from(examples, (e) => (e.won ? 1 : 0)),
  };
}

/**
 * Learns the bins, grows trees on the earlier 80% of `examples` (by decision time) with early
 * stopping on the later 20%, and calibrates on that 20%.
 */
function* fitPredictor(
  examples: readonly TrainingExample[],
  exclude: readonly string[],
  boosting: BoostingOptions,
): Generator<number, Predictor> {
  const ordered = byDecision(examples);
  const encodings = learnEncodings(
    ordered.map((e) => e.observation),
    exclude,
  );
  const shapes: FeatureShape[] = encodings.map((e) => ({
    bins: binCount(e),
    categorical: e.kind === 'categorical',
  }));
  const { earlier, later } = split(ordered);
  const validation = labelled(encodings, later);
  const { ensemble } = yield* boostingRounds(labelled(encodings, earlier), shapes, validation, boosting);
  const margins = later.map((e) => marginOf(ensemble, binRow(encodings, e.observation)));
  const calibration = fitPlatt(
    margins,
    later.map((e) => e.won),
  );
  return { encodings, ensemble, calibration };
}

export function probabilityOf(predictor: Predictor, observation: Observation): number {
  return calibrated(
    predictor.calibration,
    marginOf(predictor.ensemble, binRow(predictor.encodings, observation)),
  );
}

function suspects(examples: readonly TrainingExample[], exclude: readonly string[]): SuspectFeature[] {
  const encodings = learnEncodings(
    examples.map((e) => e.observation),
    exclude,
  );
  const { matrix, labels } = labelled(encodings, examples);
  const found = new Map<string, number>();
  encodings.forEach((encoding, f) => {
    // The feature's own conversion rate per bin is the best ranking it alone can give.
    const bins = binCount(encoding);
    const won = new Float64Array(bins);
    const all = new Float64Array(bins);
    const column = matrix.columns[f] as Uint8Array;
    for (let row = 0; row < matrix.rows; row += 1) {
      const bin = column[row] as number;
      all[bin] = (all[bin] as number) + 1;
      won[bin] = (won[bin] as number) + (labels[row] as number);
    }
    const auc = rocAuc(
      Array.from(column, (bin, row) => ({
        score: (won[bin] as number) / (all[bin] as number),
        won: labels[row] === 1,
      })),
    );
    const name = featureColumn(encoding.name);
    if (auc !== null && auc >= LEAKAGE_AUC && auc > (found.get(name) ?? 0)) found.set(name, auc);
  });
  return [...found.entries()].map(([column, auc]) => ({ column, auc })).sort((a, b) => b.auc - a.auc);
}

/**
 * Trains the predictive score (SPEC §5, docs/prediction.md). Quality is measured honestly: the
 * whole procedure is run on the earlier 80% of decisions and scored on the latest 20%, which it
 * never saw (a time split, as the model will be used: on leads decided after it was trained). The
 * model returned is then trained the same way on all of them.
 *
 * @throws HearthError `invalid` with fewer than MINIMUM_OUTCOMES_EACH won or lost leads.
 */
export function trainPredictor(
  examples: readonly TrainingExample[],
  options: TrainingOptions = {},
): TrainingResult {
  return finish(trainingSteps(examples, options));
}

/** Which of the three fits a training step belongs to, and the trees grown in it so far. */
export interface TrainingStep {
  readonly fit: 'measured' | 'additive' | 'final';
  readonly trees: number;
}

/**
 * `trainPredictor` one tree at a time, for a server: yields after every tree so the caller can
 * let requests run in between.
 */
export function* trainingSteps(
  examples: readonly TrainingExample[],
  options: TrainingOptions = {},
): Generator<TrainingStep, TrainingResult> {
  const won = examples.filter((e) => e.won).length;
  const lost = examples.length - won;
  if (won < MINIMUM_OUTCOMES_EACH || lost < MINIMUM_OUTCOMES_EACH) {
    throw new HearthError(
      'invalid',
      `Training needs at least ${MINIMUM_OUTCOMES_EACH} won and ${MINIMUM_OUTCOMES_EACH} lost leads; there are ${won} won and ${lost} lost. ` +
        'Record outcomes (hearth outcome, POST /api/v1/leads/{id}/outcome) or import history with an outcome column (docs/prediction.md).',
      { won, lost, minimumEach: MINIMUM_OUTCOMES_EACH },
    );
  }
  const exclude = options.exclude ?? [];
  const boosting = { ...DEFAULT_BOOSTING, ...options.boosting };
  const { earlier, later } = split(byDecision(examples));
  const steps = (fit: TrainingStep['fit'], rounds: Generator<number, Predictor>) =>
    (function* (): Generator<TrainingStep, Predictor> {
      for (;;) {
        const step = rounds.next();
        if (step.done) return step.value;
        yield { fit, trees: step.value };
      }
    })();
  const evaluated = yield* steps('measured', fitPredictor(earlier, exclude, boosting));
  const outcomes = later.map((e) => e.won);
  const probabilities = later.map((e) => probabilityOf(evaluated, e.observation));
  const additive = yield* steps(
    'additive',
    fitPredictor(earlier, exclude, { ...boosting, maxDepth: 1, maxTrees: boosting.maxTrees * 2 }),
  );
  const baseRate = earlier.filter((e) => e.won).length / earlier.length;
  const predictor = yield* steps('final', fitPredictor(examples, exclude, boosting));
  return {
    predictor,
    features: predictor.encodings.length,
    examples: { won, lost },
    suspects: suspects(examples, exclude),
    quality: {
      method: 'time_split',
      trainedOn: earlier.length,
      heldOut: later.length,
      heldOutWon: outcomes.filter(Boolean).length,
      auc: rocAuc(probabilities.map((score, i) => ({ score, won: outcomes[i] as boolean }))),
      logLoss: logLoss(probabilities, outcomes),
      baseRateLogLoss: logLoss(
        outcomes.map(() => baseRate),
        outcomes,
      ),
      calibrationError: expectedCalibrationError(probabilities, outcomes),
      reliability: reliabilityBands(probabilities, outcomes),
      additiveAuc: rocAuc(
        later.map((e, i) => ({ score: probabilityOf(additive, e.observation), won: outcomes[i] as boolean })),
      ),
      trees: evaluated.ensemble.trees.length,
    },
  };
}

/** One reason for a lead's probability: a column, what the lead has there, and how much it moved it. */
export interface Factor {
  readonly column: string;
  /** The lead's value as the model saw it, e.g. `demo_request in the last 7 days: 1`. */
  readonly value: string;
  /** Change in log-odds; the factors and the base add up to the lead's log-odds. */
  readonly logOdds: number;
  /** Percentage points the probability would fall (or rise) without this factor. */
  readonly points: number;
}

export interface Prediction {
  readonly probability: number;
  /** Up to three factors that raise the probability most, then up to three that lower it most. */
  readonly positive: readonly Factor[];
  readonly negative: readonly Factor[];
}

const TOP_FACTORS = 3;
/** A factor that moves the probability by less than half a point is not a reason. */
const MIN_POINTS = 0.5;

function featureLabel(name: string): string {
  const at = name.indexOf(':');
  const column = featureColumn(name);
  const measure = at === -1 ? '' : name.slice(at + 1);
  const subject = column.startsWith('activity.')
    ? column.slice('activity.'.length)
    : column.startsWith('attributes.')
      ? column.slice('attributes.'.length)
      : column;
  switch (measure) {
    case 'count':
      return column === 'activity' ? 'events before' : `${subject} events`;
    case 'last7d':
      return `${subject} in the last 7 days`;
    case 'last30d':
      return `${subject} in the last 30 days`;
    case 'daysSinceLast':
      return 'days since the last activity';
    case 'days':
      return 'days since created';
    case '':
      return subject;
    default:
      return `${subject} ${measure}`;
  }
}

/**
 * A lead's calibrated probability and the columns that moved it most, credited by following its
 * path through the trees (contributions add up to its log-odds).
 */
export function predict(predictor: Predictor, observation: Observation): Prediction {
  const bins = binRow(predictor.encodings, observation);
  const margin = marginOf(predictor.ensemble, bins);
  const { slope, intercept } = predictor.calibration;
  const probability = sigmoid(slope * margin + intercept);
  const { byFeature } = contributionsOf(predictor.ensemble, bins);
  const byColumn = new Map<string, { logOdds: number; strongest: number; feature: number }>();
  for (const [feature, logOdds] of byFeature) {
    const column = featureColumn((predictor.encodings[feature] as FeatureEncoding).name);
    const entry = byColumn.get(column) ?? { logOdds: 0, strongest: 0, feature };
    entry.logOdds += logOdds;
    if (Math.abs(logOdds) > entry.strongest) {
      entry.strongest = Math.abs(logOdds);
      entry.feature = feature;
    }
    byColumn.set(column, entry);
  }
  const factors: Factor[] = [...byColumn.entries()].map(([column, entry]) => {
    const encoding = predictor.encodings[entry.feature] as FeatureEncoding;
    return {
      column,
      value: `${featureLabel(encoding.name)}: ${describeBin(encoding, bins[entry.feature] as number)}`,
      logOdds: entry.logOdds,
      points: 100 * (probability - sigmoid(slope * (margin - entry.logOdds) + intercept)),
    };
  });
  const strongest = (a: Factor, b: Factor) => Math.abs(b.points) - Math.abs(a.points);
  return {
    probability,
    positive: factors
      .filter((f) => f.points >= MIN_POINTS)
      .sort(strongest)
      .slice(0, TOP_FACTORS),
    negative: factors
      .filter((f) => f.points <= -MIN_POINTS)
      .sort(strongest)
      .slice(0, TOP_FACTORS),
  };
}
