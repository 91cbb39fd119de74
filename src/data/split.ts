// Random splits of datasets: randomSplit (torch.utils.data.random_split) and
// trainTestSplit (scikit-learn's train_test_split, with stratification).
import { ArgumentError, ShapeError } from '../core/errors.js';
import type { Random } from '../core/random.js';
import { fmt } from '../core/shape.js';
import { Tensor } from '../engine/tensor.js';
import { checkDataset, checkRows, type Dataset, Subset, TensorDataset } from './dataset.js';
import { checkOptions } from './loader.js';
import { checkSeed, generator, permutation, shuffleInPlace } from './shuffle.js';

export interface SplitOptions {
  /** Seeds the split; without it the global generator draws it (reproducible after `wg.seed(n)`). */
  seed?: number;
}

/** Split sizes from lengths that sum to n, or from fractions that sum to 1 (remainders go round-robin, as in PyTorch). */
function splitSizes(op: string, lengths: readonly number[], n: number): number[] {
  if (!Array.isArray(lengths) || lengths.length === 0 || lengths.some((l) => typeof l !== 'number' || !Number.isFinite(l) || l < 0)) {
    throw new ArgumentError(`${op}: lengths must be a non-empty array of non-negative numbers, got ${JSON.stringify(lengths)}`);
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every(Number.isInteger) && total === n) return [...lengths];
  if (lengths.every((l) => l <= 1) && Math.abs(total - 1) < 1e-6) {
    const sizes = lengths.map((f) => Math.floor(f * n));
    const rest = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < rest; i++) sizes[i % sizes.length]++;
    return sizes;
  }
  throw new ArgumentError(`${op}: lengths ${JSON.stringify(lengths)} neither sum to the dataset length ${n} nor are fractions that sum to 1`);
}

/**
 * Splits a dataset at random into parts of the given sizes: lengths that sum
 * to the dataset's length (`[120, 30]`) or fractions that sum to 1 (`[0.8, 0.2]`;
 * rows left over by rounding down go to the parts in turn, as in PyTorch).
 * A TensorDataset splits into new TensorDatasets holding copies of its rows
 * (dispose them when done); any other dataset splits into Subsets (no copy).
 */
export function randomSplit<T extends Tensor[]>(dataset: TensorDataset<T>, lengths: readonly number[], opts?: SplitOptions): TensorDataset<T>[];
export function randomSplit<T extends Tensor[]>(dataset: Dataset<T>, lengths: readonly number[], opts?: SplitOptions): Subset<T>[];
export function randomSplit<T extends Tensor[]>(dataset: Dataset<T>, lengths: readonly number[], opts: SplitOptions = {}): Dataset<T>[] {
  const op = 'randomSplit';
  checkDataset(op, dataset);
  checkOptions(op, opts, new Set(['seed']));
  const n = dataset.length;
  const sizes = splitSizes(op, lengths, n);
  const perm = permutation(n, generator(checkSeed(op, opts.seed)));
  let start = 0;
  return sizes.map((size) => {
    const idx = perm.slice(start, (start += size));
    return dataset instanceof TensorDataset ? new TensorDataset(...(dataset.getBatch(idx) as T)) : new Subset(dataset, idx);
  });
}

export interface TrainTestSplitOptions extends SplitOptions {
  /** A fraction of the rows in (0, 1), rounded up, or a number of rows (default 0.2). */
  testSize?: number;
  /** Class labels, one per row: each class is split in the overall ratio (to within a row). */
  stratify?: Tensor | ArrayLike<number>;
}

function testCount(op: string, testSize: unknown, n: number): number {
  const t = testSize ?? 0.2;
  if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || (t >= 1 && !Number.isInteger(t))) {
    throw new ArgumentError(`${op}: testSize must be a fraction in (0, 1) or a positive integer count, got ${String(t)}`);
  }
  const count = t < 1 ? Math.ceil(t * n) : t;
  if (count >= n) throw new ArgumentError(`${op}: testSize ${t} leaves no training rows out of ${n}`);
  return count;
}

function labelsOf(op: string, stratify: Tensor | ArrayLike<number>, n: number): ArrayLike<number> {
  if (stratify instanceof Tensor) {
    stratify.assertAlive(op);
    if (stratify.ndim !== 1 || stratify.shape[0] !== n) throw new ShapeError(`${op}: stratify must have shape [${n}], got ${fmt(stratify.shape)}`);
    return stratify.dataSync().slice();
  }
  if (stratify === null || typeof stratify !== 'object' || typeof stratify.length !== 'number') {
    throw new ArgumentError(`${op}: stratify must be a Tensor or an array of labels, got ${stratify === null ? 'null' : typeof stratify}`);
  }
  if (stratify.length !== n) throw new ShapeError(`${op}: stratify has ${stratify.length} labels for ${n} rows`);
  return stratify;
}

/** Test rows per class: each class's share of nTest rounded down, then the largest remainders round up. */
function stratifiedIndices(labels: ArrayLike<number>, nTest: number, rng: Random): [Int32Array, Int32Array] {
  const n = labels.length;
  const classes = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = classes.get(labels[i]);
    if (list) list.push(i);
    else classes.set(labels[i], [i]);
  }
  const groups = [...classes.entries()].sort((a, b) => a[0] - b[0]).map(([, rows]) => rows);
  const exact = groups.map((g) => (g.length * nTest) / n);
  const take = exact.map(Math.floor);
  const order = groups.map((_, k) => k).sort((a, b) => exact[b] - take[b] - (exact[a] - take[a]) || groups[b].length - groups[a].length || a - b);
  for (let r = nTest - take.reduce((a, b) => a + b, 0), k = 0; r > 0; r--, k++) take[order[k % order.length]]++;
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((g, k) => {
    const rows = shuffleInPlace(Int32Array.from(g), rng);
    for (let j = 0; j < rows.length; j++) (j < take[k] ? test : train).push(rows[j]);
  });
  return [shuffleInPlace(Int32Array.from(train), rng), shuffleInPlace(Int32Array.from(test), rng)];
}

/** The two parts of trainTestSplit. */
export interface TrainTest<T extends Tensor[]> {
  train: TensorDataset<T>;
  test: TensorDataset<T>;
}

/**
 * Splits tensors that share their first dimension into a training and a test
 * set, as scikit-learn's train_test_split: `trainTestSplit(x, y, { testSize: 0.25, seed: 0 })`
 * returns `{ train, test }`, two TensorDatasets holding copies of the rows
 * (in a random order; dispose them when done). With `stratify` (labels), every
 * class keeps its share of the rows in both parts.
 */
export function trainTestSplit<T extends Tensor[]>(...args: [...T, TrainTestSplitOptions]): TrainTest<T>;
export function trainTestSplit<T extends Tensor[]>(...tensors: T): TrainTest<T>;
export function trainTestSplit(...args: (Tensor | TrainTestSplitOptions)[]): TrainTest<Tensor[]> {
  const op = 'trainTestSplit';
  const last = args[args.length - 1];
  const opts = (last !== undefined && !(last instanceof Tensor) ? args.pop() : {}) as TrainTestSplitOptions;
  checkOptions(op, opts, new Set(['testSize', 'seed', 'stratify']));
  checkRows(op, args);
  const all = new TensorDataset(...(args as Tensor[]));
  const n = all.length;
  const nTest = testCount(op, opts.testSize, n);
  const rng = generator(checkSeed(op, opts.seed));
  let train: Int32Array;
  let test: Int32Array;
  if (opts.stratify !== undefined) {
    [train, test] = stratifiedIndices(labelsOf(op, opts.stratify, n), nTest, rng);
  } else {
    const perm = permutation(n, rng);
    [test, train] = [perm.slice(0, nTest), perm.slice(nTest)];
  }
  return { train: new TensorDataset(...all.getBatch(train)), test: new TensorDataset(...all.getBatch(test)) };
}
