// Singular value decomposition of one matrix by one-sided Jacobi (Hestenes)
// in float64: rotate pairs of columns until all are mutually orthogonal; the
// column norms are then the singular values. It is slower than Golub-Kahan
// bidiagonalisation but simple and accurate to high relative precision, and it
// cannot hang: the number of sweeps is capped. A tall matrix is first reduced
// to its n x n triangular factor by Householder QR, so the rotations work on
// n-vectors instead of m-vectors.
import { householderQr } from './qr.js';

const EPS = 2.220446049250313e-16;
/** Sweeps converge quadratically (about 10 for a random 64 x 64); 60 is a safety cap. */
const MAX_SWEEPS = 60;

export interface SvdResult {
  /** Singular values, descending, k = min(m, n) of them. */
  s: Float64Array;
  /** Row-major m x uCols (uCols = k, or m with full matrices); null unless asked. */
  u: Float64Array | null;
  /** Row-major vRows x n (vRows = k, or n with full matrices); null unless asked. */
  vh: Float64Array | null;
}

/** The SVD of row-major m x n `a` (not modified). Non-finite input gives NaN throughout. */
export function svd(a: Float64Array, aOff: number, m: number, n: number, vectors: boolean, full: boolean): SvdResult {
  if (m >= n) return tallSvd(a.slice(aOff, aOff + m * n), m, n, vectors, full);
  // A wide matrix: A^T = U' S V'^T, so A = V' S U'^T.
  const at = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[aOff + i * n + j];
  const r = tallSvd(at, n, m, vectors, full);
  if (!vectors) return r;
  const vt = r.vh as Float64Array; // m x m
  const up = r.u as Float64Array; // n x uCols'
  const uCols = full ? n : m;
  const u = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) u[i * m + j] = vt[j * m + i];
  const vh = new Float64Array(uCols * n);
  for (let i = 0; i < uCols; i++) for (let j = 0; j < n; j++) vh[i * n + j] = up[j * uCols + i];
  return { s: r.s, u, vh };
}

/** m >= n; `a` is a scratch copy. */
function tallSvd(a: Float64Array, m: number, n: number, vectors: boolean, full: boolean): SvdResult {
  const uCols = full ? m : n;
  if (!a.every(Number.isFinite)) {
    const nan = (len: number) => new Float64Array(len).fill(Number.NaN);
    return { s: nan(n), u: vectors ? nan(m * uCols) : null, vh: vectors ? nan(n * n) : null };
  }
  // Scale to max |a| = 1 so that the squared norms neither overflow nor underflow.
  const scale = unitScale(a);
  let r: JacobiResult;
  let uc: Float64Array | null = null; // column-major, m rows, uCols columns
  if (m > n) {
    // A = Q [R; 0], so U = Q diag(U_R, I): the complete Q gives full U's extra columns.
    const q = new Float64Array(m * uCols);
    const tri = new Float64Array(uCols * n);
    householderQr(a, m, n, full, q, 0, tri, 0);
    r = jacobi(tri.subarray(0, n * n), n, n, vectors);
    if (vectors) {
      uc = new Float64Array(m * uCols);
      const ur = r.uc as Float64Array;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let x = 0;
          for (let l = 0; l < n; l++) x += q[i * uCols + l] * ur[j * n + l];
          uc[j * m + i] = x;
        }
        for (let j = n; j < uCols; j++) uc[j * m + i] = q[i * uCols + j];
      }
    }
  } else {
    r = jacobi(a, m, n, vectors);
    uc = r.uc;
  }
  for (let j = 0; j < n; j++) r.s[j] *= scale;
  if (!vectors) return { s: r.s, u: null, vh: null };
  const ucol = uc as Float64Array;
  const u = new Float64Array(m * uCols);
  for (let i = 0; i < m; i++) for (let j = 0; j < uCols; j++) u[i * uCols + j] = ucol[j * m + i];
  return { s: r.s, u, vh: r.vh };
}

interface JacobiResult {
  s: Float64Array;
  /** Column-major m x n (m rows, orthonormal columns), null without vectors. */
  uc: Float64Array | null;
  /** Row-major n x n. */
  vh: Float64Array | null;
}

/** One-sided Jacobi on row-major m x n `a` (m >= n, finite). */
function jacobi(a: Float64Array, m: number, n: number, vectors: boolean): JacobiResult {
  const w = new Float64Array(m * n); // w[j*m + i] = A[i][j]: columns contiguous
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[i * n + j];
  const v = new Float64Array(vectors ? n * n : 0); // v[j*n + i] = V[i][j]
  for (let j = 0; j < n && vectors; j++) v[j * n + j] = 1;
  const norms = new Float64Array(n);
  const tol = EPS * Math.max(1, Math.sqrt(m));
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    // Squared column norms, refreshed from the data each sweep (the closed-form updates below drift).
    for (let j = 0; j < n; j++) norms[j] = dot(w, j * m, j * m, m);
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const alpha = norms[p];
        const beta = norms[q];
        if (alpha === 0 || beta === 0) continue;
        const gamma = dot(w, p * m, q * m, m);
        if (Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // The rotation that zeroes the (p, q) entry of W^T W (the smaller angle).
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(w, p * m, q * m, m, c, s);
        if (vectors) rotate(v, p * n, q * n, n, c, s);
        norms[p] = Math.max(0, alpha - t * gamma);
        norms[q] = beta + t * gamma;
      }
    }
    if (!rotated) break;
  }
  for (let j = 0; j < n; j++) norms[j] = dot(w, j * m, j * m, m);
  const order = Array.from({ length: n }, (_, j) => j);
  const sv = norms.map(Math.sqrt);
  order.sort((x, y) => sv[y] - sv[x]);
  const s = Float64Array.from(order, (j) => sv[j]);
  if (!vectors) return { s, uc: null, vh: null };
  // U's columns: W's columns normalised; those of (numerically) zero singular
  // values complete an orthonormal basis instead.
  const uc = new Float64Array(m * n);
  const smax = s[0] ?? 0;
  const good: boolean[] = [];
  for (let j = 0; j < n; j++) {
    const ok = s[j] > 0 && s[j] > smax * EPS * m;
    good.push(ok);
    if (ok) for (let i = 0; i < m; i++) uc[j * m + i] = w[order[j] * m + i] / s[j];
  }
  for (let j = 0; j < n; j++) if (!good[j]) completeColumn(uc, m, j, good);
  const vh = new Float64Array(n * n); // row j of Vh = column order[j] of V
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) vh[j * n + i] = v[order[j] * n + i];
  return { s, uc, vh };
}

/** Divides `a` by its largest magnitude (if nonzero) and returns that magnitude (or 1). */
export function unitScale(a: Float64Array): number {
  let big = 0;
  for (let i = 0; i < a.length; i++) big = Math.max(big, Math.abs(a[i]));
  if (big === 0) return 1;
  for (let i = 0; i < a.length; i++) a[i] /= big;
  return big;
}

function dot(x: Float64Array, a: number, b: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += x[a + i] * x[b + i];
  return s;
}

function rotate(x: Float64Array, a: number, b: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const xp = x[a + i];
    const xq = x[b + i];
    x[a + i] = c * xp - s * xq;
    x[b + i] = s * xp + c * xq;
  }
}

/**
 * Fills column j of column-major `u` (m rows) with a unit vector orthogonal to
 * every column flagged in `good`: the standard basis vector with the largest
 * component outside their span (its squared size is 1 - sum_c u_c[e]^2, at
 * least (m - r) / m), orthogonalised twice (classical Gram-Schmidt, repeated).
 */
function completeColumn(u: Float64Array, m: number, j: number, good: boolean[]): void {
  const cols: number[] = [];
  for (let c = 0; c < good.length; c++) if (c !== j && good[c]) cols.push(c);
  let best = 0;
  let bestOut = -1;
  for (let e = 0; e < m; e++) {
    let inside = 0;
    for (const c of cols) inside += u[c * m + e] * u[c * m + e];
    if (1 - inside > bestOut) {
      bestOut = 1 - inside;
      best = e;
    }
  }
  const x = new Float64Array(m);
  x[best] = 1;
  for (let pass = 0; pass < 2; pass++) {
    for (const c of cols) {
      let d = 0;
      for (let i = 0; i < m; i++) d += u[c * m + i] * x[i];
      for (let i = 0; i < m; i++) x[i] -= d * u[c * m + i];
    }
  }
  let nrm = 0;
  for (let i = 0; i < m; i++) nrm += x[i] * x[i];
  nrm = Math.sqrt(nrm);
  for (let i = 0; i < m; i++) u[j * m + i] = x[i] / nrm;
  good[j] = true;
}
