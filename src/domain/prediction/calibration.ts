/**
 * Turning the trees' log-odds into probabilities that mean what they say (of 100 leads given
 * 0.3, about 30 convert), and measuring whether they do.
 */

/** Platt scaling: probability = σ(slope · margin + intercept). */
export interface Calibration {
  readonly slope: number;
  readonly intercept: number;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Fits Platt scaling on held-out margins by Newton's method, with Platt's smoothed targets
 * ((N₊+1)/(N₊+2) and 1/(N₋+2)) so a perfectly separated validation set cannot push the slope to
 * infinity. Boosted trees trained with early stopping are close to calibrated already; this
 * corrects the shrinkage and the validation-chosen tree count. Identity when there is nothing to fit.
 */
export function fitPlatt(margins: readonly number[], won: readonly boolean[]): Calibration {
  const positives = won.filter(Boolean).length;
  const negatives = won.length - positives;
  if (positives === 0 || negatives === 0) return { slope: 1, intercept: 0 };
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  let slope = 1;
  let intercept = 0;
  for (let iteration = 0; iteration < 100; iteration += 1) {
    // Gradient and Hessian of the log loss in (slope, intercept); a tiny ridge keeps it invertible.
    let gA = 0;
    let gB = 0;
    let hAA = 1e-9;
    let hAB = 0;
    let hBB = 1e-9;
    margins.forEach((margin, i) => {
      const p = sigmoid(slope * margin + intercept);
      const residual = p - (won[i] ? high : low);
      const weight = Math.max(p * (1 - p), 1e-12);
      gA += residual * margin;
      gB += residual;
      hAA += weight * margin * margin;
      hAB += weight * margin;
      hBB += weight;
    });
    const determinant = hAA * hBB - hAB * hAB;
    if (!(Math.abs(determinant) > 0)) break;
    const stepA = (hBB * gA - hAB * gB) / determinant;
    const stepB = (hAA * gB - hAB * gA) / determinant;
    slope -= stepA;
    intercept -= stepB;
    if (Math.abs(stepA) + Math.abs(stepB) < 1e-10) break;
  }
  return Number.isFinite(slope) && Number.isFinite(intercept)
    ? { slope, intercept }
    : { slope: 1, intercept: 0 };
}

export function calibrated(calibration: Calibration, margin: number): number {
  return sigmoid(calibration.slope * margin + calibration.intercept);
}

/** Mean negative log-likelihood of the outcomes (lower is better; ln 2 ≈ 0.693 is a coin). */
export function logLoss(probabilities: readonly number[], won: readonly boolean[]): number {
  let sum = 0;
  probabilities.forEach((probability, i) => {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probability));
    sum -= won[i] ? Math.log(p) : Math.log(1 - p);
  });
  return sum / Math.max(1, probabilities.length);
}

/** One band of predictions: how many leads, what they were given, how many converted. */
export interface ReliabilityBand {
  readonly from: number;
  readonly to: number;
  readonly leads: number;
  readonly meanProbability: number;
  readonly conversionRate: number;
}

/** Predictions in ten equal-width bands of probability (the reliability diagram's data). */
export function reliabilityBands(
  probabilities: readonly number[],
  won: readonly boolean[],
  bands = 10,
): ReliabilityBand[] {
  const sums = Array.from({ length: bands }, () => ({ leads: 0, probability: 0, won: 0 }));
  probabilities.forEach((probability, i) => {
    const band = sums[Math.min(bands - 1, Math.floor(probability * bands))] as (typeof sums)[number];
    band.leads += 1;
    band.probability += probability;
    if (won[i]) band.won += 1;
  });
  return sums.flatMap((band, index) =>
    band.leads === 0
      ? []
      : [
          {
            from: index / bands,
            to: (index + 1) / bands,
            leads: band.leads,
            meanProbability: band.probability / band.leads,
            conversionRate: band.won / band.leads,
          },
        ],
  );
}

/**
 * Expected calibration error: the gap between predicted and observed conversion per band,
 * weighted by the band's share of leads. 0 is perfect; 0.05 means predictions are off by five
 * points on average.
 */
export function expectedCalibrationError(probabilities: readonly number[], won: readonly boolean[]): number {
  const total = probabilities.length;
  if (total === 0) return 0;
  return reliabilityBands(probabilities, won).reduce(
    (sum, band) => sum + (band.leads / total) * Math.abs(band.meanProbability - band.conversionRate),
    0,
  );
}
