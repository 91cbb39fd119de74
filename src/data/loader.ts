// DataLoader: iterates over a dataset in batches, optionally shuffled.
//   for (const [x, y] of new DataLoader(ds, { batchSize: 32, shuffle: true, seed: 0 })) ...
import { ArgumentError } from '../core/errors.js';
import type { Tensor } from '../engine/tensor.js';
import { checkDataset, type Dataset, stackRows } from './dataset.js';
import { checkSeed, generator, permutation } from './shuffle.js';

export interface DataLoaderOptions {
  /** Rows per batch (default 1). */
  batchSize?: number;
  /** A new random order every epoch (default false). */
  shuffle?: boolean;
  /** Skip the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /**
   * Seeds the shuffle: epoch e's order comes from (seed, e), so it does not
   * depend on anything else drawn. Without a seed the order is drawn from
   * wasmgrad's global generator (reproducible after `wg.seed(n)`).
   */
  seed?: number;
}

const OPTION_KEYS = new Set(['batchSize', 'shuffle', 'dropLast', 'seed']);

/** Checks an options object: a plain object whose keys are all known. */
export function checkOptions(op: string, opts: unknown, keys: ReadonlySet<string>): void {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new ArgumentError(`${op}: options must be an object, got ${opts === null ? 'null' : Array.isArray(opts) ? 'an array' : typeof opts}`);
  }
  for (const k of Object.keys(opts)) {
    if (!keys.has(k)) throw new ArgumentError(`${op}: unknown option '${k}' (expected ${[...keys].join(', ')})`);
  }
}

function checkBool(op: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ArgumentError(`${op}: ${name} must be a boolean, got ${String(v)}`);
  return v;
}

/**
 * Batches of a dataset. Iterating yields one array per batch with one tensor
 * per dataset component, rows stacked along dim 0 (`[x, y]` for
 * `TensorDataset(x, y)`); a TensorDataset gathers each batch with one
 * indexSelect per tensor. Every iteration is one epoch and advances `epoch`.
 *
 * Batch tensors are ordinary tensors owned by the caller: wrap the epoch in
 * `wg.tidy`, or dispose each batch (`wg.dispose(batch)`) when done with it.
 */
export class DataLoader<T extends Tensor[] = Tensor[]> implements Iterable<T> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number | undefined;
  /** The epoch number the next iteration uses (0 at first); each iteration increments it. */
  epoch = 0;

  constructor(dataset: Dataset<T>, opts: DataLoaderOptions = {}) {
    const op = 'DataLoader';
    checkDataset(op, dataset);
    checkOptions(op, opts, OPTION_KEYS);
    const bs = opts.batchSize ?? 1;
    if (typeof bs !== 'number' || !Number.isInteger(bs) || bs < 1) {
      throw new ArgumentError(`${op}: batchSize must be a positive integer, got ${String(bs)}`);
    }
    this.dataset = dataset;
    this.batchSize = bs;
    this.shuffle = checkBool(op, 'shuffle', opts.shuffle, false);
    this.dropLast = checkBool(op, 'dropLast', opts.dropLast, false);
    this.seed = checkSeed(op, opts.seed);
  }

  /** The number of batches in an epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * The row order of an epoch: 0..n-1 without shuffling. With shuffling and a
   * seed, the order of epoch `epoch`; without a seed, a fresh draw from the
   * global generator (the argument is then ignored).
   */
  order(epoch = this.epoch): Int32Array {
    const n = this.dataset.length;
    if (this.shuffle) return permutation(n, generator(this.seed, epoch));
    return Int32Array.from({ length: n }, (_, i) => i);
  }

  /** Starts an epoch: the order is fixed now and `epoch` advances. */
  [Symbol.iterator](): Iterator<T> {
    const order = this.order(this.epoch);
    this.epoch++;
    return this.batches(order);
  }

  private *batches(order: Int32Array): Generator<T> {
    const { batchSize, dataset } = this;
    const count = this.dropLast ? Math.floor(order.length / batchSize) : Math.ceil(order.length / batchSize);
    for (let b = 0; b < count; b++) {
      const idx = order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
      yield dataset.getBatch ? dataset.getBatch(idx) : stackRows(dataset, idx);
    }
  }
}
