// Vector and matrix norms with torch.linalg's semantics. Every norm is a
// composition of public ops (so its gradient is too), except the p-norms,
// which record one node: their rule gives the gradient 0 at x = 0 as PyTorch
// does, where the composition sqrt(sum(x^2)) would give NaN.
import { ArgumentError, ShapeError } from '../core/errors.js';
import { fmt, normalizeAxes, normalizeAxis } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../grad/transforms.js';
import { add, mul, ne, pow } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { max, min, sum } from '../ops/reduce.js';
import { abs, sign, sqrt, square } from '../ops/unary.js';
import { checkTensor } from '../ops/util.js';
import { permute, squeeze, unsqueeze } from '../ops/views.js';
import { svdvals } from './decomp.js';
import { checkFloat } from './util.js';

export type VectorOrd = number;
export type MatrixOrd = 'fro' | 'nuc' | number;

function checkOrd(op: string, ord: unknown): number {
  if (typeof ord !== 'number' || Number.isNaN(ord))
    throw new ArgumentError(`${op}: ord must be a number (Infinity and -Infinity included), got ${String(ord)}`);
  return ord;
}

/**
 * The vector norm of x over `axis` (all elements when null or undefined), as
 * torch.linalg.vector_norm: ord 2 (default), 1, Infinity (max |x|), -Infinity
 * (min |x|), 0 (the count of nonzeros) or any other p: (sum |x|^p)^(1/p).
 */
export function vectorNorm(x: Tensor, ord: VectorOrd = 2, axis?: number | number[] | null, keepdim = false): Tensor {
  const op = 'linalg.vectorNorm';
  checkTensor(op, x, 'x');
  checkFloat(op, x, 'x');
  const p = checkOrd(op, ord);
  const axes = normalizeAxes(op, axis ?? null, x.ndim, x.shape);
  return ENGINE.tidy(() => {
    if (p === Number.POSITIVE_INFINITY) return max(abs(x), axes, keepdim);
    if (p === Number.NEGATIVE_INFINITY) return min(abs(x), axes, keepdim);
    if (p === 1) return sum(abs(x), axes, keepdim);
    if (p === 0) {
      const count = sum(cast(ne(x, 0), x.dtype), axes, keepdim);
      // A zero gradient, as PyTorch's, rather than none at all.
      return x.requiresGrad ? add(count, mul(sum(sign(x), axes, keepdim), 0)) : count;
    }
    const y = noGrad(() => (p === 2 ? sqrt(sum(square(x), axes, keepdim)) : pow(sum(pow(abs(x), p), axes, keepdim), 1 / p)));
    record('linalg.vectorNorm', [x], y, { ord: p, axes, keepdim });
    return y;
  });
}

/** Two distinct axes of x. */
function matrixAxes(op: string, x: Tensor, axis: readonly number[]): [number, number] {
  if (!Array.isArray(axis) || axis.length !== 2) throw new ArgumentError(`${op}: axis must be a pair of axes, got ${String(axis)}`);
  const a0 = normalizeAxis(op, axis[0], x.ndim, x.shape);
  const a1 = normalizeAxis(op, axis[1], x.ndim, x.shape);
  if (a0 === a1) throw new ArgumentError(`${op}: the two axes must differ, got ${fmt(axis)} for shape ${fmt(x.shape)}`);
  return [a0, a1];
}

/**
 * The matrix norm over two axes (the last two by default), as
 * torch.linalg.matrix_norm: 'fro' (default), 'nuc' (sum of singular values),
 * 2 / -2 (largest / smallest singular value), 1 / -1 (max / min column sum of
 * |A|), Infinity / -Infinity (max / min row sum of |A|).
 */
export function matrixNorm(A: Tensor, ord: MatrixOrd = 'fro', axis: readonly number[] = [-2, -1], keepdim = false): Tensor {
  const op = 'linalg.matrixNorm';
  checkTensor(op, A);
  checkFloat(op, A);
  if (A.ndim < 2) throw new ShapeError(`${op}: The input tensor A must have at least 2 dimensions, got shape ${fmt(A.shape)}`);
  if (!(ord === 'fro' || ord === 'nuc' || [1, -1, 2, -2, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].includes(ord as number))) {
    throw new ArgumentError(`${op}: Order ${String(ord)} not supported (expected 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity)`);
  }
  const [a0, a1] = matrixAxes(op, A, axis);
  return ENGINE.tidy(() => {
    if (ord === 'fro') return vectorNorm(A, 2, [a0, a1], keepdim);
    if (ord === 'nuc' || ord === 2 || ord === -2) {
      const rest = A.shape.map((_, i) => i).filter((i) => i !== a0 && i !== a1);
      const S = svdvals(permute(A, [...rest, a0, a1]));
      let r = ord === 'nuc' ? sum(S, -1) : ord === 2 ? max(S, -1) : min(S, -1);
      if (keepdim) for (const a of [a0, a1].sort((x, y) => x - y)) r = unsqueeze(r, a);
      return r;
    }
    // ord 1: sum over rows (a0), extreme over columns (a1); Infinity: the reverse.
    const [sumAxis, extAxis] = Math.abs(ord as number) === 1 ? [a0, a1] : [a1, a0];
    const s = sum(abs(A), sumAxis, true);
    const r = (ord as number) > 0 ? max(s, extAxis, true) : min(s, extAxis, true);
    return keepdim ? r : squeeze(r, [a0, a1]);
  });
}

/**
 * torch.linalg.norm: a vector norm when `axis` is one axis, a matrix norm when
 * it is two; without `axis`, the 2-norm of all elements when `ord` is not
 * given, otherwise a vector norm of a 1-D x or a matrix norm of a 2-D x.
 */
export function norm(x: Tensor, ord?: MatrixOrd, axis?: number | number[] | null, keepdim = false): Tensor {
  const op = 'linalg.norm';
  checkTensor(op, x);
  const vectorOrd = (o: MatrixOrd | undefined): number => {
    if (typeof o === 'string')
      throw new ArgumentError(`${op}: ord '${o}' is a matrix norm and needs two axes (or a 2-D input), got ${x.ndim}-D with axis ${String(axis)}`);
    return o ?? 2;
  };
  if (axis === undefined || axis === null) {
    if (ord === undefined) return vectorNorm(x, 2, null, keepdim);
    if (x.ndim === 1) return vectorNorm(x, vectorOrd(ord), null, keepdim);
    if (x.ndim === 2) return matrixNorm(x, ord, [0, 1], keepdim);
    throw new ShapeError(`${op}: If axis is not specified but ord is, the input must be 1D or 2D. Got ${x.ndim}D (shape ${fmt(x.shape)})`);
  }
  const axes = typeof axis === 'number' ? [axis] : axis;
  if (axes.length === 1) return vectorNorm(x, vectorOrd(ord), axes, keepdim);
  if (axes.length === 2) return matrixNorm(x, ord ?? 'fro', axes, keepdim);
  throw new ArgumentError(`${op}: axis must be one axis or two, got ${fmt(axes)}`);
}
