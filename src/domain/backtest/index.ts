/**
 * Backtesting a scoring model on decided leads (SPEC §5): the measures (ROC AUC with ties,
 * precision at k, threshold searches) and the summary of a run. Pure; the app layer streams the
 * leads and scores each as of its decision time. docs/backtest.md defines every figure.
 */

export {
  precisionAtK,
  rocAuc,
  type Scored,
  type ThresholdPoint,
  thresholdForPrecision,
  youdenThreshold,
} from './metrics.js';
export {
  type BacktestSummary,
  DEFAULT_TARGET_PRECISION,
  DEFAULT_TOP_K,
  type Observation,
  priority,
  summarise,
  type TemperatureRow,
} from './report.js';
