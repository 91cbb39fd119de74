// Quantities derived from the decompositions: the pseudo-inverse and the
// numerical rank, with PyTorch's default tolerances.
import { ArgumentError } from '../core/errors.js';
import { ENGINE } from '../engine/engine.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../grad/transforms.js';
import { div, gt, maximum, mul, where } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { matmul } from '../ops/linalg.js';
import { max, sum } from '../ops/reduce.js';
import { abs } from '../ops/unary.js';
import { unsqueeze } from '../ops/views.js';
import { eigh, eigvalsh, svd, svdvals } from './decomp.js';
import { checkBool, checkMatrix, checkSquare, mT } from './util.js';

export interface ToleranceOptions {
  /** Absolute tolerance (default 0). */
  atol?: number;
  /**
   * Relative tolerance, times the largest singular value. Default: eps of the
   * dtype times max(m, n), or 0 when atol > 0 is given (PyTorch's rule).
   */
  rtol?: number;
  /** A is symmetric: use eigenvalues (in absolute value) instead of singular values. */
  hermitian?: boolean;
}

const EPS = { float32: 2 ** -23, float64: 2 ** -52, int32: 0 };

function tolerances(op: string, A: Tensor, opts: ToleranceOptions): [number, number] {
  const atol = opts.atol ?? 0;
  if (typeof atol !== 'number' || !(atol >= 0)) throw new ArgumentError(`${op}: atol must be a number >= 0, got ${String(opts.atol)}`);
  let rtol = opts.rtol;
  if (rtol === undefined) {
    const [m, n] = A.shape.slice(-2);
    rtol = opts.atol !== undefined && atol > 0 ? 0 : EPS[A.dtype] * Math.max(m, n);
  } else if (typeof rtol !== 'number' || !(rtol >= 0)) {
    throw new ArgumentError(`${op}: rtol must be a number >= 0, got ${String(opts.rtol)}`);
  }
  return [atol, rtol];
}

/** Values above max(atol, rtol * largest) count; `values` is [..., k], nonnegative. */
function aboveTolerance(values: Tensor, atol: number, rtol: number): Tensor {
  const k = values.shape[values.ndim - 1];
  if (k === 0) return gt(values, 0);
  return gt(values, maximum(mul(max(values, -1, true), rtol), atol));
}

/**
 * The Moore-Penrose pseudo-inverse [..., n, m] of A [..., m, n], as
 * torch.linalg.pinv: singular values at or below max(atol, rtol * s_max) are
 * treated as zero. Its gradient is PyTorch's closed form in A and pinv(A)
 * (valid where the rank does not change), so it holds at repeated singular values.
 */
export function pinv(A: Tensor, opts: ToleranceOptions = {}): Tensor {
  const op = 'linalg.pinv';
  const hermitian = checkBool(op, 'hermitian', opts.hermitian ?? false);
  if (hermitian) checkSquare(op, A);
  else checkMatrix(op, A);
  const [atol, rtol] = tolerances(op, A, opts);
  const P = ENGINE.tidy(() =>
    noGrad(() => {
      if (hermitian) {
        const [w, V] = eigh(A);
        const keep = aboveTolerance(abs(w), atol, rtol);
        const winv = where(keep, div(1, where(keep, w, 1)), 0);
        return matmul(mul(V, unsqueeze(winv, -2)), mT(V));
      }
      const [U, S, Vh] = svd(A, { fullMatrices: false });
      const keep = aboveTolerance(S, atol, rtol);
      const sinv = where(keep, div(1, where(keep, S, 1)), 0);
      return matmul(mul(mT(Vh), unsqueeze(sinv, -2)), mT(U));
    }),
  );
  record(op, [A], P);
  return P;
}

/**
 * The numerical rank of each matrix (int32; PyTorch gives int64): how many
 * singular values (or |eigenvalues| with hermitian) exceed max(atol, rtol * s_max).
 */
export function matrixRank(A: Tensor, opts: ToleranceOptions = {}): Tensor {
  const op = 'linalg.matrixRank';
  const hermitian = checkBool(op, 'hermitian', opts.hermitian ?? false);
  if (hermitian) checkSquare(op, A);
  else checkMatrix(op, A);
  const [atol, rtol] = tolerances(op, A, opts);
  return ENGINE.tidy(() =>
    noGrad(() => {
      const s = hermitian ? abs(eigvalsh(A)) : svdvals(A);
      return sum(cast(aboveTolerance(s, atol, rtol), 'int32'), -1);
    }),
  );
}
