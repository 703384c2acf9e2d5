import { Random } from '../demo/random.js';
import type { BinnedMatrix } from './encoding.js';

/**
 * Gradient-boosted decision trees for won-vs-lost, on binned features (the histogram method of
 * LightGBM and scikit-learn's HistGradientBoosting): each tree fits the gradient of the log loss,
 * splits are chosen from per-bin sums of gradients and hessians, a missing value is a bin of its
 * own, and a category split sends any set of categories left (bins ordered by their gradient
 * ratio, Fisher's method for grouping categories). Trees capture thresholds, non-linear effects
 * and interactions that a linear model cannot (docs/prediction.md has the comparison).
 */

/** One node: a split (`feature` ≥ 0, bins in `leftBins` go left) or a leaf (`feature` = -1). */
export interface TreeNode {
  readonly feature: number;
  readonly leftBins: readonly number[];
  readonly left: number;
  readonly right: number;
  /** The node's log-odds step: −G/(H+λ) × learning rate; a leaf's is what it adds. */
  readonly value: number;
}

/** A trained ensemble: the base log-odds plus the sum of one leaf value per tree. */
export interface Ensemble {
  readonly base: number;
  readonly trees: readonly (readonly TreeNode[])[];
}

export interface BoostingOptions {
  readonly learningRate: number;
  readonly maxDepth: number;
  /** Fewest leads on either side of a split: below it a leaf's rate is noise. */
  readonly minLeafCount: number;
  /** L2 penalty on leaf values (XGBoost's λ). */
  readonly lambda: number;
  readonly maxTrees: number;
  /** Stop after this many trees without a better validation log loss. */
  readonly patience: number;
  /** Share of the leads each tree is grown on (stochastic gradient boosting). */
  readonly rowSample: number;
  readonly seed: number;
}

export const DEFAULT_BOOSTING: BoostingOptions = {
  learningRate: 0.05,
  maxDepth: 4,
  minLeafCount: 20,
  lambda: 1,
  maxTrees: 500,
  patience: 40,
  rowSample: 0.8,
  seed: 1,
};

/** What the trees need to know of a feature: its number of bins, and whether they are unordered. */
export interface FeatureShape {
  readonly bins: number;
  readonly categorical: boolean;
}

export interface LabelledMatrix {
  readonly matrix: BinnedMatrix;
  /** 1 won, 0 lost, one per row. */
  readonly labels: Uint8Array;
}

export interface BoostingResult {
  readonly ensemble: Ensemble;
  /** Validation log loss after each tree (empty without a validation set). */
  readonly validationLoss: readonly number[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function logLossOf(margins: Float64Array, labels: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(margins[i] as number)));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / Math.max(1, labels.length);
}

interface Split {
  readonly feature: number;
  readonly leftBins: number[];
  readonly gain: number;
}

/**
 * Trains on `train`; with `validation`, keeps the number of trees that gave the lowest
 * validation log loss (early stopping), otherwise grows `maxTrees`.
 */
export function trainBoosting(
  train: LabelledMatrix,
  shapes: readonly FeatureShape[],
  validation: LabelledMatrix | null,
  options: BoostingOptions = DEFAULT_BOOSTING,
): BoostingResult {
  return finish(boostingRounds(train, shapes, validation, options));
}

/** Runs a step-wise computation to its end. */
export function finish<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `trainBoosting` one tree at a time: yields the number of trees grown after each, so a caller on
 * a server can let other work run between trees (one tree takes milliseconds; a model, seconds).
 */
export function* boostingRounds(
  train: LabelledMatrix,
  shapes: readonly FeatureShape[],
  validation: LabelledMatrix | null,
  options: BoostingOptions = DEFAULT_BOOSTING,
): Generator<number, BoostingResult> {
  const n = train.matrix.rows;
  const positives = train.labels.reduce((sum, y) => sum + y, 0);
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / Math.max(1, n)));
  const base = Math.log(rate / (1 - rate));
  const margins = new Float64Array(n).fill(base);
  const validMargins = validation ? new Float64Array(validation.matrix.rows).fill(base) : null;
  const gradients = new Float64Array(n);
  const hessians = new Float64Array(n);
  const random = new Random(options.seed);
  const trees: TreeNode[][] = [];
  const validationLoss: number[] = [];
  let best = { loss: Number.POSITIVE_INFINITY, trees: 0 };

  for (let t = 0; t < options.maxTrees; t += 1) {
    for (let i = 0; i < n; i += 1) {
      const p = sigmoid(margins[i] as number);
      gradients[i] = p - (train.labels[i] as number);
      hessians[i] = Math.max(p * (1 - p), 1e-12);
    }
    const sample: number[] = [];
    for (let i = 0; i < n; i += 1)
      if (options.rowSample >= 1 || random.chance(options.rowSample)) sample.push(i);
    const tree = growTree(train.matrix, shapes, gradients, hessians, Uint32Array.from(sample), options);
    trees.push(tree);
    addTree(margins, tree, train.matrix);
    if (validation && validMargins) {
      addTree(validMargins, tree, validation.matrix);
      const loss = logLossOf(validMargins, validation.labels);
      validationLoss.push(loss);
      if (loss < best.loss - 1e-9) best = { loss, trees: trees.length };
      else if (trees.length - best.trees >= options.patience) break;
    }
    yield trees.length;
  }
  const kept = validation ? trees.slice(0, Math.max(1, best.trees)) : trees;
  return { ensemble: { base, trees: kept }, validationLoss };
}

function growTree(
  matrix: BinnedMatrix,
  shapes: readonly FeatureShape[],
  gradients: Float64Array,
  hessians: Float64Array,
  rows: Uint32Array,
  options: BoostingOptions,
): TreeNode[] {
  const nodes: TreeNode[] = [];
  const grow = (nodeRows: Uint32Array, depth: number): number => {
    let g = 0;
    let h = 0;
    for (const row of nodeRows) {
      g += gradients[row] as number;
      h += hessians[row] as number;
    }
    const index = nodes.length;
    const value = (-g / (h + options.lambda)) * options.learningRate;
    nodes.push({ feature: -1, leftBins: [], left: -1, right: -1, value });
    if (depth >= options.maxDepth || nodeRows.length < 2 * options.minLeafCount) return index;
    const split = bestSplit(matrix, shapes, gradients, hessians, nodeRows, g, h, options);
    if (split === null) return index;
    const goesLeft = new Uint8Array((shapes[split.feature] as FeatureShape).bins);
    for (const bin of split.leftBins) goesLeft[bin] = 1;
    const column = matrix.columns[split.feature] as Uint8Array;
    const leftRows: number[] = [];
    const rightRows: number[] = [];
    for (const row of nodeRows) (goesLeft[column[row] as number] ? leftRows : rightRows).push(row);
    const left = grow(Uint32Array.from(leftRows), depth + 1);
    const right = grow(Uint32Array.from(rightRows), depth + 1);
    nodes[index] = { feature: split.feature, leftBins: split.leftBins, left, right, value };
    return index;
  };
  grow(rows, 0);
  return nodes;
}

function bestSplit(
  matrix: BinnedMatrix,
  shapes: readonly FeatureShape[],
  gradients: Float64Array,
  hessians: Float64Array,
  rows: Uint32Array,
  g: number,
  h: number,
  options: BoostingOptions,
): Split | null {
  const { lambda, minLeafCount } = options;
  const parentScore = (g * g) / (h + lambda);
  let best: Split | null = null;
  for (let feature = 0; feature < matrix.columns.length; feature += 1) {
    const { bins, categorical } = shapes[feature] as FeatureShape;
    const column = matrix.columns[feature] as Uint8Array;
    const sumG = new Float64Array(bins);
    const sumH = new Float64Array(bins);
    const count = new Uint32Array(bins);
    for (const row of rows) {
      const bin = column[row] as number;
      sumG[bin] = (sumG[bin] as number) + (gradients[row] as number);
      sumH[bin] = (sumH[bin] as number) + (hessians[row] as number);
      count[bin] = (count[bin] as number) + 1;
    }
    const used: number[] = [];
    for (let bin = 0; bin < bins; bin += 1) if ((count[bin] as number) > 0) used.push(bin);
    if (used.length < 2) continue;
    for (const order of candidateOrders(used, sumG, sumH, lambda, categorical)) {
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let k = 0; k < order.length - 1; k += 1) {
        const bin = order[k] as number;
        gl += sumG[bin] as number;
        hl += sumH[bin] as number;
        cl += count[bin] as number;
        const cr = rows.length - cl;
        if (cl < minLeafCount || cr < minLeafCount) continue;
        const gr = g - gl;
        const hr = h - hl;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
        if (gain > 1e-9 && (best === null || gain > best.gain)) {
          best = { feature, leftBins: order.slice(0, k + 1), gain };
        }
      }
    }
  }
  return best;
}

/**
 * The orders whose prefixes are the candidate left sets. Bins of numbers are ordered, and the
 * missing bin may join either side: [missing, 1, 2, …] and [1, 2, …, missing]. Categories have no
 * order: sorted by gradient ratio, the best split is a prefix (Fisher 1958).
 */
function candidateOrders(
  used: readonly number[],
  sumG: Float64Array,
  sumH: Float64Array,
  lambda: number,
  categorical: boolean,
): number[][] {
  if (categorical) {
    return [
      [...used].sort(
        (a, b) =>
          (sumG[a] as number) / ((sumH[a] as number) + lambda) -
          (sumG[b] as number) / ((sumH[b] as number) + lambda),
      ),
    ];
  }
  const withoutMissing = used.filter((bin) => bin !== 0);
  if (withoutMissing.length === used.length) return [withoutMissing];
  return [
    [0, ...withoutMissing],
    [...withoutMissing, 0],
  ];
}

/** A tree as flat arrays with a byte mask per split: what scoring 100k leads needs. */
interface CompiledTree {
  readonly feature: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly goesLeft: readonly Uint8Array[];
}

const compiledTrees = new WeakMap<readonly TreeNode[], CompiledTree>();

function compiled(tree: readonly TreeNode[]): CompiledTree {
  let result = compiledTrees.get(tree);
  if (!result) {
    result = {
      feature: Int32Array.from(tree, (node) => node.feature),
      left: Int32Array.from(tree, (node) => node.left),
      right: Int32Array.from(tree, (node) => node.right),
      value: Float64Array.from(tree, (node) => node.value),
      goesLeft: tree.map((node) => {
        const mask = new Uint8Array(256);
        for (const bin of node.leftBins) mask[bin] = 1;
        return mask;
      }),
    };
    compiledTrees.set(tree, result);
  }
  return result;
}

/** The leaf a lead reaches, its bins read through `binOfFeature`. */
function leafIndex(tree: CompiledTree, binOfFeature: (feature: number) => number): number {
  let node = 0;
  for (let feature = tree.feature[0] as number; feature >= 0; feature = tree.feature[node] as number) {
    node = (tree.goesLeft[node] as Uint8Array)[binOfFeature(feature)]
      ? (tree.left[node] as number)
      : (tree.right[node] as number);
  }
  return node;
}

function addTree(margins: Float64Array, tree: readonly TreeNode[], matrix: BinnedMatrix): void {
  const flat = compiled(tree);
  for (let row = 0; row < matrix.rows; row += 1) {
    const leaf = leafIndex(flat, (feature) => (matrix.columns[feature] as Uint8Array)[row] as number);
    margins[row] = (margins[row] as number) + (flat.value[leaf] as number);
  }
}

/** The ensemble's log-odds for one lead's bins (one byte per feature). */
export function marginOf(ensemble: Ensemble, bins: Uint8Array): number {
  let margin = ensemble.base;
  const binOfFeature = (feature: number) => bins[feature] as number;
  for (const tree of ensemble.trees) {
    const flat = compiled(tree);
    margin += flat.value[leafIndex(flat, binOfFeature)] as number;
  }
  return margin;
}

/**
 * How much each feature moved this lead's log-odds, by following its path through every tree and
 * crediting each split's feature with the change from the node to the child taken (Saabas'
 * method). The credits and `bias` add up to the margin exactly, so an explanation adds up.
 */
export function contributionsOf(
  ensemble: Ensemble,
  bins: Uint8Array,
): { readonly bias: number; readonly byFeature: Map<number, number> } {
  let bias = ensemble.base;
  const byFeature = new Map<number, number>();
  for (const tree of ensemble.trees) {
    let node = tree[0] as TreeNode;
    bias += node.value;
    while (node.feature >= 0) {
      const child = tree[
        node.leftBins.includes(bins[node.feature] as number) ? node.left : node.right
      ] as TreeNode;
      byFeature.set(node.feature, (byFeature.get(node.feature) ?? 0) + child.value - node.value);
      node = child;
    }
  }
  return { bias, byFeature };
}
