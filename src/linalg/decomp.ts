// The decompositions with several outputs: qr, svd, eigh (and svdvals,
// eigvalsh). The tape records one output per node, so each output gets its own
// node on the input A: its rule (src/grad/rules/linalg-decomp.ts) recomputes
// the factors it needs from A with these same ops. That keeps the factors
// differentiable (higher orders work), and an unused output costs nothing in
// backward (no zero cotangent reaches a formula that would divide 0 by 0 at
// repeated eigenvalues, as eigh used only for its eigenvalues would).
import { ArgumentError } from '../core/errors.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import './kernels.js';
import { batchShape, checkBool, checkMatrix, checkSquare, runLinalg } from './util.js';

export type QrMode = 'reduced' | 'complete';

export interface QrOptions {
  /** 'reduced' (default): Q [..., m, k], R [..., k, n] with k = min(m, n); 'complete': Q [..., m, m], R [..., m, n]. */
  mode?: QrMode;
}

/**
 * [Q, R] with A = Q R, Q with orthonormal columns and R upper triangular, as
 * torch.linalg.qr (Householder reflections with LAPACK's signs: R's diagonal
 * may be negative).
 */
export function qr(A: Tensor, opts: QrOptions = {}): [Tensor, Tensor] {
  const op = 'linalg.qr';
  checkMatrix(op, A);
  const mode = opts.mode ?? 'reduced';
  if (mode !== 'reduced' && mode !== 'complete') throw new ArgumentError(`${op}: mode must be 'reduced' or 'complete', got '${String(mode)}'`);
  const batch = batchShape(A);
  const [m, n] = A.shape.slice(-2);
  const k = mode === 'complete' ? m : Math.min(m, n);
  const [Q, R] = runLinalg(
    op,
    'linalgQr',
    [A],
    [
      [[...batch, m, k], A.dtype],
      [[...batch, k, n], A.dtype],
    ],
    batch,
    { mode },
  );
  record('linalg.qrQ', [A], Q, { mode });
  record('linalg.qrR', [A], R, { mode });
  return [Q, R];
}

export interface SvdOptions {
  /** true (default, as PyTorch): U [..., m, m] and Vh [..., n, n]; false: U [..., m, k], Vh [..., k, n]. */
  fullMatrices?: boolean;
}

/**
 * [U, S, Vh] with A = U diag(S) Vh and S descending, as torch.linalg.svd (by
 * one-sided Jacobi). The singular vectors are determined up to sign (and
 * within repeated singular values, up to rotation); the gradient assumes
 * distinct singular values wherever U or Vh is used.
 */
export function svd(A: Tensor, opts: SvdOptions = {}): [Tensor, Tensor, Tensor] {
  const op = 'linalg.svd';
  checkMatrix(op, A);
  const full = checkBool(op, 'fullMatrices', opts.fullMatrices ?? true);
  const batch = batchShape(A);
  const [m, n] = A.shape.slice(-2);
  const k = Math.min(m, n);
  const [U, S, Vh] = runLinalg(
    op,
    'linalgSvd',
    [A],
    [
      [[...batch, m, full ? m : k], A.dtype],
      [[...batch, k], A.dtype],
      [[...batch, full ? n : k, n], A.dtype],
    ],
    batch,
    { vectors: true, fullMatrices: full },
  );
  record('linalg.svdU', [A], U, { fullMatrices: full });
  record('linalg.svdvals', [A], S);
  record('linalg.svdVh', [A], Vh, { fullMatrices: full });
  return [U, S, Vh];
}

/**
 * The singular values, descending ([..., m, n] -> [..., min(m, n)]). Its
 * gradient, U diag(g) Vh, stays finite at repeated singular values (as PyTorch's).
 */
export function svdvals(A: Tensor): Tensor {
  const op = 'linalg.svdvals';
  checkMatrix(op, A);
  const batch = batchShape(A);
  const [m, n] = A.shape.slice(-2);
  const [S] = runLinalg(op, 'linalgSvd', [A], [[[...batch, Math.min(m, n)], A.dtype]], batch, { vectors: false, fullMatrices: false });
  record('linalg.svdvals', [A], S);
  return S;
}

export interface EighOptions {
  /** Which triangle of A is read: 'L' (default) or 'U'. */
  UPLO?: 'L' | 'U';
}

function uplo(op: string, opts: EighOptions): 'L' | 'U' {
  const u = opts.UPLO ?? 'L';
  if (u !== 'L' && u !== 'U') throw new ArgumentError(`${op}: UPLO must be 'L' or 'U', got '${String(u)}'`);
  return u;
}

/**
 * [eigenvalues (ascending), eigenvectors (columns)] of symmetric matrices, as
 * torch.linalg.eigh: A = V diag(w) V^T, reading only the UPLO triangle (by
 * cyclic Jacobi). Eigenvectors are determined up to sign; the gradient through
 * them assumes distinct eigenvalues.
 */
export function eigh(A: Tensor, opts: EighOptions = {}): [Tensor, Tensor] {
  const op = 'linalg.eigh';
  checkSquare(op, A);
  const u = uplo(op, opts);
  const batch = batchShape(A);
  const n = A.shape[A.ndim - 1];
  const [w, V] = runLinalg(
    op,
    'linalgEigh',
    [A],
    [
      [[...batch, n], A.dtype],
      [A.shape, A.dtype],
    ],
    batch,
    { uplo: u, vectors: true },
  );
  record('linalg.eigvalsh', [A], w, { uplo: u });
  record('linalg.eighVectors', [A], V, { uplo: u });
  return [w, V];
}

/**
 * The eigenvalues of symmetric matrices, ascending. Its gradient, V diag(g) V^T,
 * stays finite at repeated eigenvalues (as PyTorch's).
 */
export function eigvalsh(A: Tensor, opts: EighOptions = {}): Tensor {
  const op = 'linalg.eigvalsh';
  checkSquare(op, A);
  const u = uplo(op, opts);
  const batch = batchShape(A);
  const [w] = runLinalg(op, 'linalgEigh', [A], [[[...batch, A.shape[A.ndim - 1]], A.dtype]], batch, { uplo: u, vectors: false });
  record('linalg.eigvalsh', [A], w, { uplo: u });
  return w;
}
