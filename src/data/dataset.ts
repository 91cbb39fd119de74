// Datasets: anything with a length and an indexed row. TensorDataset holds
// tensors that share their first dimension; a row is the i-th slice of each.
import { ArgumentError, ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { noGrad } from '../grad/transforms.js';
import { tensor } from '../ops/creation.js';
import { indexSelect } from '../ops/indexing.js';
import { stack } from '../ops/join.js';
import { select } from '../ops/views.js';

/**
 * A dataset of `length` rows; `get(i)` returns row i as a list of tensors (one
 * per component, such as features and label). `getBatch(indices)`, when present,
 * returns the rows listed by `indices` stacked along a new first dimension;
 * DataLoader uses it and otherwise stacks `get(i)` row by row.
 */
export interface Dataset<T extends Tensor[] = Tensor[]> {
  readonly length: number;
  get(i: number): T;
  getBatch?(indices: Int32Array): T;
}

/** Checks that `i` is an integer in [0, length) and returns it. */
export function checkRowIndex(op: string, i: number, length: number): number {
  if (!Number.isInteger(i) || i < 0 || i >= length) {
    throw new ArgumentError(`${op}: index ${i} is out of range for a dataset of length ${length}`);
  }
  return i;
}

/** Checks that `dataset` looks like a Dataset (a length and a get method). */
export function checkDataset(op: string, dataset: unknown): Dataset {
  const d = dataset as Dataset | null;
  if (d === null || typeof d !== 'object' || typeof d.get !== 'function' || !Number.isInteger(d.length) || d.length < 0) {
    throw new ArgumentError(`${op}: expected a dataset (an object with an integer length and a get(i) method), got ${d === null ? 'null' : typeof d}`);
  }
  return d;
}

/** Checks that `tensors` is a non-empty list of live tensors of at least one dimension that share their first dimension. */
export function checkRows(op: string, tensors: unknown[]): void {
  if (tensors.length === 0) throw new ArgumentError(`${op}: expected at least one tensor`);
  tensors.forEach((t, k) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: argument ${k} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    t.assertAlive(op);
    if (t.ndim === 0) throw new ShapeError(`${op}: tensor ${k} is 0-D; every tensor needs a first (row) dimension`);
  });
  const shapes = (tensors as Tensor[]).map((t) => t.shape);
  if (shapes.some((s) => s[0] !== shapes[0][0])) {
    throw new ShapeError(`${op}: tensors differ in their first dimension: ${shapes.map(fmt).join(', ')}`);
  }
}

/** Row-wise fallback of getBatch: get(i) for each index, stacked per component. */
export function stackRows<T extends Tensor[]>(dataset: Dataset<T>, indices: Int32Array): T {
  return ENGINE.tidy(() => {
    const rows = Array.from(indices, (i) => dataset.get(i));
    if (rows.length === 0) throw new ArgumentError('DataLoader: cannot make an empty batch');
    return rows[0].map((_, k) => stack(rows.map((r) => r[k]))) as T;
  });
}

/**
 * Tensors that share their first dimension, as rows: `new TensorDataset(x, y)`.
 * The dataset refers to the tensors it is given (no copy); `dispose()` frees them.
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  readonly tensors: T;

  constructor(...tensors: T) {
    checkRows('TensorDataset', tensors);
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** Row i of each tensor (views sharing the tensors' storage). */
  get(i: number): T {
    checkRowIndex('TensorDataset.get', i, this.length);
    return this.tensors.map((t) => select(t, 0, i)) as T;
  }

  /** The rows listed by `indices`, gathered with one indexSelect per tensor (copies, no gradient). */
  getBatch(indices: Int32Array): T {
    const n = this.length;
    for (const i of indices) checkRowIndex('TensorDataset.getBatch', i, n);
    const index = tensor(indices, { dtype: 'int32' });
    try {
      return noGrad(() => this.tensors.map((t) => indexSelect(t, 0, index))) as T;
    } finally {
      index.dispose();
    }
  }

  /** Frees the tensors this dataset holds. */
  dispose(): void {
    for (const t of this.tensors) t.dispose();
  }
}

/** The rows of `dataset` listed by `indices`, in that order (no copy of the data). */
export class Subset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: Int32Array;

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    checkDataset('Subset', dataset);
    this.dataset = dataset;
    this.indices = Int32Array.from(indices);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!Number.isInteger(i) || i < 0 || i >= dataset.length) {
        throw new ArgumentError(`Subset: index ${i} is out of range for a dataset of length ${dataset.length}`);
      }
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(i: number): T {
    return this.dataset.get(this.indices[checkRowIndex('Subset.get', i, this.length)]);
  }

  getBatch(indices: Int32Array): T {
    const mapped = Int32Array.from(indices, (i) => this.indices[checkRowIndex('Subset.getBatch', i, this.length)]);
    return this.dataset.getBatch ? this.dataset.getBatch(mapped) : stackRows(this.dataset, mapped);
  }
}
