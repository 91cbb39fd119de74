// Householder QR of one m x n matrix, in float64, with LAPACK's sign
// convention (geqrf/dlarfg: R[j][j] = -sign(alpha) * ||x||), so that for
// generic input the factors agree with PyTorch's, not just up to signs.

/**
 * Factors `a` (row-major m x n, overwritten). Writes Q (m x qCols, with qCols
 * = min(m, n) for 'reduced' or m for 'complete') and R (rRows x n, rRows =
 * qCols, upper triangular) into `q` and `r` at the given offsets.
 */
export function householderQr(a: Float64Array, m: number, n: number, complete: boolean, q: Float64Array, qOff: number, r: Float64Array, rOff: number): void {
  const k = Math.min(m, n);
  const qCols = complete ? m : k;
  const taus = new Float64Array(k);
  // The reflectors' vectors v_j (v_j[j] = 1 implied) are kept below the diagonal of a.
  for (let j = 0; j < k; j++) {
    const alpha = a[j * n + j];
    let xnorm = 0;
    // A scaled 2-norm of the part below the diagonal (avoids overflow in the squares).
    let scale = 0;
    for (let i = j + 1; i < m; i++) scale = Math.max(scale, Math.abs(a[i * n + j]));
    if (scale > 0 && Number.isFinite(scale)) {
      let ss = 0;
      for (let i = j + 1; i < m; i++) {
        const t = a[i * n + j] / scale;
        ss += t * t;
      }
      xnorm = scale * Math.sqrt(ss);
    } else if (scale !== 0) {
      xnorm = scale; // inf or NaN: let it propagate
    }
    if (xnorm === 0) {
      taus[j] = 0; // H = I: the column is already reduced
      continue;
    }
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
    taus[j] = (beta - alpha) / beta;
    const inv = 1 / (alpha - beta);
    for (let i = j + 1; i < m; i++) a[i * n + j] *= inv;
    a[j * n + j] = beta;
    // Apply H = I - tau v v^T to the trailing columns.
    for (let c = j + 1; c < n; c++) {
      let s = a[j * n + c];
      for (let i = j + 1; i < m; i++) s += a[i * n + j] * a[i * n + c];
      s *= taus[j];
      a[j * n + c] -= s;
      for (let i = j + 1; i < m; i++) a[i * n + c] -= s * a[i * n + j];
    }
  }
  // R: the upper triangle of the first qCols rows (rows past min(m, n) are zero).
  for (let i = 0; i < qCols; i++) {
    for (let c = 0; c < n; c++) r[rOff + i * n + c] = i < m && c >= i ? a[i * n + c] : 0;
  }
  // Q = H_0 H_1 ... H_{k-1} applied to the first qCols columns of I, accumulated backwards.
  for (let i = 0; i < m; i++) for (let c = 0; c < qCols; c++) q[qOff + i * qCols + c] = i === c ? 1 : 0;
  for (let j = k - 1; j >= 0; j--) {
    const tau = taus[j];
    if (tau === 0) continue;
    for (let c = j; c < qCols; c++) {
      let s = q[qOff + j * qCols + c];
      for (let i = j + 1; i < m; i++) s += a[i * n + j] * q[qOff + i * qCols + c];
      s *= tau;
      q[qOff + j * qCols + c] -= s;
      for (let i = j + 1; i < m; i++) q[qOff + i * qCols + c] -= s * a[i * n + j];
    }
  }
}
