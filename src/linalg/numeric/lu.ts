// LU factorisation with partial pivoting (row interchanges), in float64, over
// one row-major n x n matrix. The kernels for solve, inv, det and slogdet are
// built on it. Like LAPACK's getrf, a pivot that is exactly zero is reported
// (singular) and the factorisation carries on, so det still comes out as 0.

export interface LU {
  /** perm[i]: the row of the original matrix that ended up in row i. */
  perm: Int32Array;
  /** The permutation's sign, +1 or -1. */
  sign: number;
  /** The first column (0-based) whose pivot was exactly zero, or -1. */
  zeroPivot: number;
}

/** Factors `a` in place into L (unit lower, below the diagonal) and U. */
export function luFactor(a: Float64Array, n: number): LU {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1;
  let zeroPivot = -1;
  for (let k = 0; k < n; k++) {
    // The largest magnitude in column k; a NaN never wins, so NaN input flows
    // through as NaN rather than being mistaken for a zero pivot.
    let p = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
      sign = -sign;
    }
    const pivot = a[k * n + k];
    if (pivot === 0) {
      if (zeroPivot < 0) zeroPivot = k;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const l = a[i * n + k] / pivot;
      a[i * n + k] = l;
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j] -= l * a[k * n + j];
    }
  }
  return { perm, sign, zeroPivot };
}

/**
 * Solves A X = B for X given A's factors; `b` is row-major n x k and is read
 * through the permutation, `x` receives the result (they may not alias).
 */
export function luSolve(lu: Float64Array, n: number, f: LU, b: Float64Array, bOff: number, k: number, x: Float64Array, xOff: number): void {
  for (let i = 0; i < n; i++) {
    const src = bOff + f.perm[i] * k;
    for (let c = 0; c < k; c++) x[xOff + i * k + c] = b[src + c];
  }
  // Forward substitution with the unit lower factor.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const l = lu[i * n + j];
      if (l === 0) continue;
      for (let c = 0; c < k; c++) x[xOff + i * k + c] -= l * x[xOff + j * k + c];
    }
  }
  // Back substitution with U.
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) {
      const u = lu[i * n + j];
      if (u === 0) continue;
      for (let c = 0; c < k; c++) x[xOff + i * k + c] -= u * x[xOff + j * k + c];
    }
    const d = lu[i * n + i];
    for (let c = 0; c < k; c++) x[xOff + i * k + c] /= d;
  }
}

/** det(A) from its factors: the permutation's sign times U's diagonal. */
export function luDet(lu: Float64Array, n: number, f: LU): number {
  let d = f.sign;
  for (let i = 0; i < n; i++) d *= lu[i * n + i];
  return d;
}

/** [sign, log|det|]; a singular matrix gives [0, -inf] as in PyTorch. */
export function luSlogdet(lu: Float64Array, n: number, f: LU): [number, number] {
  let sign = f.sign;
  let logAbs = 0;
  for (let i = 0; i < n; i++) {
    const u = lu[i * n + i];
    if (u < 0) sign = -sign;
    else if (Number.isNaN(u)) sign = Number.NaN;
    logAbs += Math.log(Math.abs(u));
  }
  if (f.zeroPivot >= 0) return [0, Number.NEGATIVE_INFINITY];
  return [sign, logAbs];
}

/**
 * Solves a triangular system A X = B in place in `x` (n x k, row-major),
 * reading only A's `upper` or lower triangle; `unit` assumes a unit diagonal.
 * A zero on the diagonal gives inf/NaN, as LAPACK's trsm (no error).
 */
export function triSolve(a: Float64Array, aOff: number, n: number, upper: boolean, unit: boolean, x: Float64Array, xOff: number, k: number): void {
  if (!upper) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const l = a[aOff + i * n + j];
        if (l === 0) continue;
        for (let c = 0; c < k; c++) x[xOff + i * k + c] -= l * x[xOff + j * k + c];
      }
      if (!unit) for (let c = 0; c < k; c++) x[xOff + i * k + c] /= a[aOff + i * n + i];
    }
    return;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) {
      const u = a[aOff + i * n + j];
      if (u === 0) continue;
      for (let c = 0; c < k; c++) x[xOff + i * k + c] -= u * x[xOff + j * k + c];
    }
    if (!unit) for (let c = 0; c < k; c++) x[xOff + i * k + c] /= a[aOff + i * n + i];
  }
}
