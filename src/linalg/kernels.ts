// The linalg kernels: read each (possibly strided, broadcast) input into a
// float64 array, run the numerics of ./numeric/ matrix by matrix, and write the
// outputs in their own dtype. One implementation serves the js and the wasm
// backends (both are CPU backends with a synchronous view()); a GPU backend
// has no such kernels, and the ops say so (see runLinalg in ./util.ts).
import { arrayCtor } from '../core/dtype.js';
import { BackendError } from '../core/errors.js';
import { gatherStrided } from '../core/strided.js';
import { type Backend, type CpuBackend, isCpuBackend } from '../engine/backend.js';
import { type Attrs, type KernelFn, registerKernel } from '../engine/registry.js';
import type { Tensor } from '../engine/tensor.js';
import { choleskyLower } from './numeric/cholesky.js';
import { eighJacobi } from './numeric/eigh.js';
import { luDet, luFactor, luSlogdet, luSolve, triSolve } from './numeric/lu.js';
import { householderQr } from './numeric/qr.js';
import { svd } from './numeric/svd.js';
import { LinAlgError } from './util.js';

function cpu(b: Backend, name: string): CpuBackend {
  if (!isCpuBackend(b)) throw new BackendError(`${name}: runs on the CPU backends (js, wasm) only`);
  return b;
}

/** A contiguous float64 copy of a tensor's elements (row-major over its shape). */
function read(b: CpuBackend, t: Tensor): Float64Array {
  const out = new Float64Array(t.size);
  if (t.size) gatherStrided(b.view(t.storage) as unknown as Float64Array, t.offset, t.shape, t.strides, out);
  return out;
}

/** Writes float64 values into a fresh contiguous output, converting to its dtype. */
function write(b: CpuBackend, t: Tensor, data: Float64Array): void {
  if (t.size) b.write(t.storage, t.dtype === 'float64' ? data : new (arrayCtor(t.dtype))(data), t.offset);
}

// Every kernel gets attrs.count, the number of matrices in the batch.

/** The message prefix PyTorch uses for a failing matrix inside a batch. */
function where(attrs: Attrs, i: number): string {
  return attrs.batched ? `(Batch element ${i}): ` : '';
}

const last2 = (t: Tensor): [number, number] => [t.shape[t.ndim - 2], t.shape[t.ndim - 1]];

/** X = A^-1 B for A [..., n, n] and B [..., n, k] with equal batch dims. */
const solveKernel: KernelFn = (backend, [A, B], [X], attrs) => {
  const b = cpu(backend, 'linalg.solve');
  const [n] = last2(A);
  const k = B.shape[B.ndim - 1];
  const a = read(b, A);
  const rhs = read(b, B);
  const x = new Float64Array(X.size);
  const batches = attrs.count as number;
  for (let i = 0; i < batches; i++) {
    const lu = a.subarray(i * n * n, (i + 1) * n * n);
    const f = luFactor(lu, n);
    if (f.zeroPivot >= 0) throw new LinAlgError(`linalg.solve: ${where(attrs, i)}The solver failed because the input matrix is singular.`);
    luSolve(lu, n, f, rhs, i * n * k, k, x, i * n * k);
  }
  write(b, X, x);
};

/** Triangular solve: X = A^-1 B reading only A's upper or lower triangle. */
const solveTriangularKernel: KernelFn = (backend, [A, B], [X], attrs) => {
  const b = cpu(backend, 'linalg.solveTriangular');
  const [n] = last2(A);
  const k = B.shape[B.ndim - 1];
  const a = read(b, A);
  const x = read(b, B);
  const batches = attrs.count as number;
  for (let i = 0; i < batches; i++) triSolve(a, i * n * n, n, attrs.upper, attrs.unitriangular, x, i * n * k, k);
  write(b, X, x);
};

const invKernel: KernelFn = (backend, [A], [Y], attrs) => {
  const b = cpu(backend, 'linalg.inv');
  const [n] = last2(A);
  const a = read(b, A);
  const y = new Float64Array(Y.size);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const batches = attrs.count as number;
  for (let i = 0; i < batches; i++) {
    const lu = a.subarray(i * n * n, (i + 1) * n * n);
    const f = luFactor(lu, n);
    // attrs.unchecked (slogdet's gradient): a singular matrix gives inf/NaN, as in PyTorch.
    if (f.zeroPivot >= 0 && !attrs.unchecked) {
      throw new LinAlgError(
        `linalg.inv: ${where(attrs, i)}The diagonal element ${f.zeroPivot + 1} is zero, the inversion could not be completed because the input matrix is singular.`,
      );
    }
    luSolve(lu, n, f, eye, 0, n, y, i * n * n);
  }
  write(b, Y, y);
};

/** det (one output) or slogdet (sign and log|det|, two outputs). */
const detKernel: KernelFn = (backend, [A], outs, attrs) => {
  const b = cpu(backend, 'linalg.det');
  const [n] = last2(A);
  const a = read(b, A);
  const count = attrs.count as number;
  const d = new Float64Array(count);
  const logAbs = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const lu = a.subarray(i * n * n, (i + 1) * n * n);
    const f = luFactor(lu, n);
    if (attrs.log) [d[i], logAbs[i]] = luSlogdet(lu, n, f);
    else d[i] = luDet(lu, n, f);
  }
  write(b, outs[0], d);
  if (attrs.log) write(b, outs[1], logAbs);
};

const choleskyKernel: KernelFn = (backend, [A], [L], attrs) => {
  const b = cpu(backend, 'linalg.cholesky');
  const [n] = last2(A);
  const a = read(b, A);
  const l = new Float64Array(L.size);
  const batches = attrs.count as number;
  for (let i = 0; i < batches; i++) {
    const info = choleskyLower(a, i * n * n, n, l, i * n * n);
    if (info > 0) {
      throw new LinAlgError(
        `linalg.cholesky: ${where(attrs, i)}The factorization could not be completed because the input is not positive-definite (the leading minor of order ${info} is not positive-definite).`,
      );
    }
  }
  write(b, L, l);
};

const qrKernel: KernelFn = (backend, [A], [Q, R], attrs) => {
  const b = cpu(backend, 'linalg.qr');
  const [m, n] = last2(A);
  const a = read(b, A);
  const complete = attrs.mode === 'complete';
  const qCols = complete ? m : Math.min(m, n);
  const q = new Float64Array(Q.size);
  const r = new Float64Array(R.size);
  const batches = attrs.count as number;
  for (let i = 0; i < batches; i++) {
    if (m * n === 0) {
      // An empty matrix: Q is (part of) the identity, R is empty or zero.
      for (let c = 0; c < Math.min(m, qCols); c++) q[i * m * qCols + c * qCols + c] = 1;
      continue;
    }
    householderQr(a.slice(i * m * n, (i + 1) * m * n), m, n, complete, q, i * m * qCols, r, i * qCols * n);
  }
  write(b, Q, q);
  write(b, R, r);
};

/** Outputs [S] (attrs.vectors false) or [U, S, Vh]. */
const svdKernel: KernelFn = (backend, [A], outs, attrs) => {
  const b = cpu(backend, 'linalg.svd');
  const [m, n] = last2(A);
  const k = Math.min(m, n);
  const a = read(b, A);
  const vectors = attrs.vectors as boolean;
  const full = attrs.fullMatrices as boolean;
  const [U, S, Vh] = vectors ? outs : [null, outs[0], null];
  const uCols = full ? m : k;
  const vRows = full ? n : k;
  const s = new Float64Array(S.size);
  const u = new Float64Array(U?.size ?? 0);
  const vh = new Float64Array(Vh?.size ?? 0);
  const batches = attrs.count as number;
  for (let i = 0; i < batches; i++) {
    if (k === 0) {
      // No singular values; full matrices are identities.
      for (let c = 0; c < uCols && c < m; c++) u[i * m * uCols + c * uCols + c] = 1;
      for (let c = 0; c < vRows && c < n; c++) vh[i * vRows * n + c * n + c] = 1;
      continue;
    }
    const r = svd(a, i * m * n, m, n, vectors, full);
    if (Number.isNaN(r.s[0])) {
      throw new LinAlgError(`linalg.svd: ${where(attrs, i)}The algorithm failed to converge because the input matrix contained non-finite values.`);
    }
    s.set(r.s, i * k);
    if (vectors) {
      u.set(r.u as Float64Array, i * m * uCols);
      vh.set(r.vh as Float64Array, i * vRows * n);
    }
  }
  write(b, S, s);
  if (U && Vh) {
    write(b, U, u);
    write(b, Vh, vh);
  }
};

/** Outputs [w] (attrs.vectors false) or [w, V]. */
const eighKernel: KernelFn = (backend, [A], outs, attrs) => {
  const b = cpu(backend, 'linalg.eigh');
  const [n] = last2(A);
  const a = read(b, A);
  const w = new Float64Array(outs[0].size);
  const v = new Float64Array(outs[1]?.size ?? 0);
  const batches = attrs.count as number;
  for (let i = 0; i < batches; i++) {
    const r = eighJacobi(a, i * n * n, n, attrs.uplo === 'U', attrs.vectors);
    w.set(r.w, i * n);
    if (r.v) v.set(r.v, i * n * n);
  }
  write(b, outs[0], w);
  if (outs[1]) write(b, outs[1], v);
};

export const LINALG_KERNELS: Record<string, KernelFn> = {
  linalgSolve: solveKernel,
  linalgSolveTriangular: solveTriangularKernel,
  linalgInv: invKernel,
  linalgDet: detKernel,
  linalgCholesky: choleskyKernel,
  linalgQr: qrKernel,
  linalgSvd: svdKernel,
  linalgEigh: eighKernel,
};

// Both CPU backends run the same float64 numerics (the wasm backend over its
// own memory, as it does for its other reference kernels).
for (const [name, fn] of Object.entries(LINALG_KERNELS)) {
  registerKernel('js', name, fn);
  registerKernel('wasm', name, fn);
}
