// Cholesky factorisation A = L L^T of one symmetric positive-definite matrix,
// in float64 (the Cholesky-Banachiewicz order: row by row).

/**
 * Writes the lower factor of `a` (row-major n x n; only its lower triangle is
 * read) into `l` (zeros above the diagonal). Returns -1 on success, or the
 * 1-based order of the first leading minor that is not positive-definite
 * (LAPACK's potrf info); a NaN pivot counts as not positive-definite, as in
 * LAPACK, so NaN input raises the same error instead of spreading.
 */
export function choleskyLower(a: Float64Array, aOff: number, n: number, l: Float64Array, lOff: number): number {
  for (let i = 0; i < n * n; i++) l[lOff + i] = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[aOff + i * n + j];
      for (let k = 0; k < j; k++) s -= l[lOff + i * n + k] * l[lOff + j * n + k];
      if (i === j) {
        if (!(s > 0)) return i + 1;
        l[lOff + i * n + i] = Math.sqrt(s);
      } else {
        l[lOff + i * n + j] = s / l[lOff + j * n + j];
      }
    }
  }
  return -1;
}
