// What the linalg ops share: argument checks with PyTorch's messages, running
// a linalg kernel on the CPU backend that holds the input, and small matrix
// helpers (transpose, diagonal, triangles) written with public ops so that
// gradient rules built from them can be differentiated again.
import { arrayCtor, type DType, isFloat } from '../core/dtype.js';
import { ArgumentError, BackendError, DTypeError, ShapeError, WasmgradError } from '../core/errors.js';
import { fmt, type Shape } from '../core/shape.js';
import { isCpuBackend } from '../engine/backend.js';
import { ENGINE } from '../engine/engine.js';
import { type Attrs, runKernel } from '../engine/registry.js';
import type { Tensor } from '../engine/tensor.js';
import { mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { checkTensor } from '../ops/util.js';
import { transpose, unsqueeze } from '../ops/views.js';

/**
 * A matrix the algorithm cannot handle: a singular matrix in solve or inv, a
 * matrix that is not positive-definite in cholesky (torch.linalg.LinAlgError).
 */
export class LinAlgError extends WasmgradError {}

/** Checks a floating-point tensor of at least two dims (a batch of matrices). */
export function checkMatrix(op: string, A: unknown, name = 'A'): Tensor {
  const t = checkTensor(op, A, name);
  if (t.ndim < 2) throw new ShapeError(`${op}: The input tensor ${name} must have at least 2 dimensions, got shape ${fmt(t.shape)}`);
  checkFloat(op, t, name);
  return t;
}

export function checkFloat(op: string, t: Tensor, name = 'A'): void {
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: Expected a floating point tensor as ${name}, got ${t.dtype} with shape ${fmt(t.shape)}`);
}

/** Checks a batch of square matrices. */
export function checkSquare(op: string, A: unknown, name = 'A'): Tensor {
  const t = checkMatrix(op, A, name);
  const [m, n] = t.shape.slice(-2);
  if (m !== n) throw new ShapeError(`${op}: ${name} must be batches of square matrices, but they are ${m} by ${n} matrices (shape ${fmt(t.shape)})`);
  return t;
}

export function checkBool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(`${op}: ${name} must be a boolean, got ${String(v)}`);
  return v;
}

export const batchShape = (t: Tensor): number[] => t.shape.slice(0, -2);
export const countOf = (batch: readonly number[]): number => batch.reduce((a, d) => a * d, 1);

/**
 * Runs linalg kernel `kernel` with outputs on the (CPU) backend of the first
 * input, bypassing 'auto' placement: the decompositions have no GPU kernels.
 * attrs gets `count` (matrices in the batch) and `batched` (for messages).
 */
export function runLinalg(op: string, kernel: string, inputs: Tensor[], outputs: [Shape, DType][], batch: readonly number[], attrs: Attrs = {}): Tensor[] {
  const backend = inputs[0].storage.backend;
  if (!isCpuBackend(backend)) {
    throw new BackendError(`${op}: runs on the CPU backends (js, wasm); the input lives on ${backend.name}: read it with await t.data() and make a new tensor`);
  }
  const outs: Tensor[] = [];
  try {
    for (const [shape, dtype] of outputs) outs.push(ENGINE.empty(shape, dtype, backend));
    runKernel(kernel, inputs, outs, { ...attrs, count: countOf(batch), batched: batch.length > 0 });
    return outs;
  } catch (e) {
    for (const o of outs) o.dispose();
    throw e;
  }
}

/** A broadcast view of t [..., r, c] to batch dims `batch` (not recorded: the caller records). */
export function batchView(t: Tensor, batch: readonly number[]): Tensor {
  const r = t.ndim;
  const off = batch.length - (r - 2);
  const strides = batch.map((d, i) => (i < off || t.shape[i - off] !== d ? 0 : t.strides[i - off]));
  return ENGINE.makeTensor(t.storage, [...batch, t.shape[r - 2], t.shape[r - 1]], [...strides, t.strides[r - 2], t.strides[r - 1]], t.offset);
}

/** The matrix transpose of a batch (a view). */
export const mT = (x: Tensor): Tensor => transpose(x, -1, -2);

/** A constant tensor on `like`'s backend, in `like`'s dtype. */
export function constant(shape: Shape, like: Tensor, fill: (i: number, j: number) => number): Tensor {
  const [r, c] = shape.length === 2 ? shape : [1, shape[0]];
  const data = new (arrayCtor(like.dtype))(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[i * c + j] = fill(i, j);
  const t = ENGINE.empty(shape, like.dtype, like.storage.backend);
  if (data.length) t.storage.backend.write(t.storage, data, 0);
  return t;
}

export const eyeLike = (n: number, like: Tensor): Tensor => constant([n, n], like, (i, j) => (i === j ? 1 : 0));

/** The diagonals of a batch of square matrices, [..., n, n] -> [..., n]. */
export function diagonal(X: Tensor): Tensor {
  return sum(mul(X, eyeLike(X.shape[X.ndim - 1], X)), -1);
}

/** Batches of diagonal matrices from [..., n]. */
export function diagEmbed(v: Tensor): Tensor {
  return mul(unsqueeze(v, -1), eyeLike(v.shape[v.ndim - 1], v));
}

/**
 * X's lower (or upper) triangle of an [..., r, c] batch; diagScale scales the
 * diagonal (0: strict triangle, 0.5: the Phi of the Cholesky gradient).
 */
export function triangle(X: Tensor, upper: boolean, diagScale = 1): Tensor {
  const [r, c] = X.shape.slice(-2);
  return mul(
    X,
    constant([r, c], X, (i, j) => (i === j ? diagScale : (upper ? j > i : i > j) ? 1 : 0)),
  );
}
