// Eigendecomposition of one real symmetric matrix by the cyclic Jacobi method
// in float64: plane rotations zero the off-diagonal entries one by one, sweep
// after sweep, until they are negligible. Accurate (eigenvalues to a small
// multiple of eps ||A||, orthonormal eigenvectors) and simple; the sweep cap
// makes it terminate on any input.

import { unitScale } from './svd.js';

const EPS = 2.220446049250313e-16;
const MAX_SWEEPS = 60;

/**
 * The eigenvalues (ascending) and, when asked, the eigenvectors (row-major
 * n x n, one per column) of the symmetric matrix given by the `upper` or lower
 * triangle of row-major `a` (the other triangle is not read).
 */
export function eighJacobi(a: Float64Array, aOff: number, n: number, upper: boolean, vectors: boolean): { w: Float64Array; v: Float64Array | null } {
  const s = new Float64Array(n * n);
  let finite = true;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = upper ? a[aOff + j * n + i] : a[aOff + i * n + j];
      if (!Number.isFinite(x)) finite = false;
      s[i * n + j] = x;
      s[j * n + i] = x;
    }
  }
  if (!finite) return { w: new Float64Array(n).fill(Number.NaN), v: vectors ? new Float64Array(n * n).fill(Number.NaN) : null };
  // Scale to max |a| = 1 so that the sums of squares neither overflow nor underflow.
  const scale = unitScale(s);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let frob = 0;
  for (let i = 0; i < n * n; i++) frob += s[i] * s[i];
  // Off-diagonal entries below this are dropped: their effect on the
  // eigenvalues is below rounding (and on the eigenvectors, below eps).
  const tiny = (EPS * EPS * frob) / Math.max(1, n * n);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += s[p * n + q] * s[p * n + q];
    if (off <= EPS * EPS * frob * 0.25 || !(off > 0)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q];
        if (apq * apq <= tiny) continue;
        const app = s[p * n + p];
        const aqq = s[q * n + q];
        // t = tan(theta) of the rotation that zeroes (p, q); the smaller root for stability.
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          // Columns p and q of S (then rows, by symmetry).
          const skp = s[k * n + p];
          const skq = s[k * n + q];
          s[k * n + p] = c * skp - sn * skq;
          s[k * n + q] = sn * skp + c * skq;
        }
        for (let k = 0; k < n; k++) {
          const spk = s[p * n + k];
          const sqk = s[q * n + k];
          s[p * n + k] = c * spk - sn * sqk;
          s[q * n + k] = sn * spk + c * sqk;
        }
        s[p * n + q] = 0;
        s[q * n + p] = 0;
        if (vectors) {
          for (let k = 0; k < n; k++) {
            const vkp = v[k * n + p];
            const vkq = v[k * n + q];
            v[k * n + p] = c * vkp - sn * vkq;
            v[k * n + q] = sn * vkp + c * vkq;
          }
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => s[x * n + x] - s[y * n + y]);
  const w = Float64Array.from(order, (i) => s[i * n + i] * scale);
  if (!vectors) return { w, v: null };
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[k * n + j] = v[k * n + order[j]];
  return { w, v: out };
}
