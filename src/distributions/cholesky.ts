// The linear algebra MultivariateNormal needs, on top of wg.linalg (whose
// cholesky and solveTriangular run float64 kernels and have gradient rules
// written in public ops, so gradients of any order reach the covariance, scale
// or precision matrix), plus the float64 checks behind argument validation.
import { promoteTypes } from '../core/dtype.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import * as linalg from '../linalg/index.js';
import { add, mul } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { eye, tensor } from '../ops/creation.js';
import { indexSelect } from '../ops/indexing.js';
import { matmul } from '../ops/linalg.js';
import { sum } from '../ops/reduce.js';
import { transpose } from '../ops/views.js';

/**
 * The lower Cholesky factor L (A = L L^T) of symmetric positive-definite
 * A [..., n, n]; a matrix that is not positive definite throws a LinAlgError
 * (also with validateArgs off), as torch's does. It factors (A + A^T) / 2, which
 * is A for a symmetric input: then the symmetric gradient that wg.linalg (like
 * torch) gives is the exact gradient of what is computed, and gradcheck agrees
 * (linalg.cholesky alone reads only the lower triangle).
 */
export function cholesky(A: Tensor): Tensor {
  return ENGINE.tidy(() => linalg.cholesky(mul(add(A, transpose(A, -1, -2)), 0.5)));
}

/**
 * X with L X = B, for lower-triangular L [..., n, n] and B [..., n, m] (batch
 * dims broadcast; the dtypes are promoted, as the other ops do). Reads only L's
 * lower triangle, so the gradient with respect to L is lower-triangular, as torch's.
 */
export function solveLower(L: Tensor, B: Tensor): Tensor {
  const dtype = promoteTypes(L.dtype, B.dtype);
  return ENGINE.tidy(() => linalg.solveTriangular(cast(L, dtype), cast(B, dtype), { upper: false }));
}

/** The diagonal of L [..., n, n] as [..., n] (a masked sum, so its gradient lands on the diagonal only). */
export function diagonal(L: Tensor): Tensor {
  const n = L.shape[L.ndim - 1];
  return ENGINE.tidy(() => sum(mul(L, eye(n, n, { dtype: L.dtype })), -1));
}

/** x with its last two axes reversed (torch.flip(x, (-2, -1))). */
function flip2(x: Tensor): Tensor {
  const n = x.shape[x.ndim - 1];
  return ENGINE.tidy(() => {
    const idx = tensor(
      Int32Array.from({ length: n }, (_, i) => n - 1 - i),
      { dtype: 'int32' },
    );
    return indexSelect(indexSelect(x, -1, idx), -2, idx);
  });
}

/**
 * torch's _precision_to_scale_tril: the lower Cholesky factor of P^-1 without
 * inverting P. With J the reversal, J P J = Lf Lf^T gives P = U U^T for the upper
 * triangular U = J Lf J, so P^-1 = L L^T with L = U^-T, found by solving U^T L = I.
 */
export function precisionToScaleTril(P: Tensor): Tensor {
  const n = P.shape[P.ndim - 1];
  return ENGINE.tidy(() => solveLower(transpose(flip2(cholesky(flip2(P))), -1, -2), eye(n, n, { dtype: P.dtype })));
}

/** (L L^T)^-1 = L^-T L^-1 (torch.cholesky_inverse). */
export function choleskyInverse(L: Tensor): Tensor {
  const n = L.shape[L.ndim - 1];
  return ENGINE.tidy(() => {
    const Linv = solveLower(L, eye(n, n, { dtype: L.dtype }));
    return matmul(transpose(Linv, -1, -2), Linv);
  });
}

// ---- float64 checks for validation (torch's constraints.positive_definite and lower_cholesky) ----

/**
 * The index of the first n x n matrix in `a` (row-major, one after another) that
 * is not symmetric (|a_ij - a_ji| <= 1e-6 + 1e-5 |a_ji|, torch's isclose) or has
 * no Cholesky factor (a pivot <= 0 or NaN); -1 when all are positive definite.
 */
export function firstNotPositiveDefinite(a: Float64Array, n: number): number {
  const L = new Float64Array(n * n);
  for (let b = 0; b * n * n < a.length; b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) if (!(Math.abs(a[o + i * n + j] - a[o + j * n + i]) <= 1e-6 + 1e-5 * Math.abs(a[o + j * n + i]))) return b;
    }
    for (let j = 0; j < n; j++) {
      for (let i = j; i < n; i++) {
        let s = a[o + i * n + j];
        for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
        if (i === j) {
          if (!(s > 0)) return b;
          L[j * n + j] = Math.sqrt(s);
        } else L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  return -1;
}

/** The index of the first n x n matrix in `a` that is not lower-triangular with a positive diagonal; -1 when none. */
export function firstNotLowerCholesky(a: Float64Array, n: number): number {
  for (let b = 0; b * n * n < a.length; b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) {
      if (!(a[o + i * n + i] > 0)) return b;
      for (let j = i + 1; j < n; j++) if (a[o + i * n + j] !== 0) return b;
    }
  }
  return -1;
}
