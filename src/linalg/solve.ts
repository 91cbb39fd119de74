// Linear systems and LU-based quantities: solve, solveTriangular, inv, det,
// slogdet, and the Cholesky factor. Each runs one kernel (./kernels.ts) and
// records one node; the gradient rules are in src/grad/rules/linalg-decomp.ts.
import { DTypeError, ShapeError } from '../core/errors.js';
import { broadcastShapes, fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { checkTensor } from '../ops/util.js';
import { squeeze, unsqueeze } from '../ops/views.js';
import './kernels.js';
import { batchShape, batchView, checkBool, checkMatrix, checkSquare, mT, runLinalg } from './util.js';

function sameDtype(op: string, A: Tensor, B: Tensor): void {
  if (A.dtype !== B.dtype) {
    throw new DTypeError(`${op}: Expected A and B to have the same dtype, but found A of type ${A.dtype} and B of type ${B.dtype} instead`);
  }
}

/** The batch dims of A [..., n, n] and B [..., n, k] broadcast together. */
function systemBatch(op: string, A: Tensor, B: Tensor, shown: Tensor = B): number[] {
  const n = A.shape[A.ndim - 1];
  const bad = () => new ShapeError(`${op}: Incompatible shapes of A and B for the equation AX = B (${fmt(A.shape)} and ${fmt(shown.shape)})`);
  if (B.shape[B.ndim - 2] !== n) throw bad();
  try {
    return broadcastShapes(op, batchShape(A), batchShape(B));
  } catch {
    throw bad();
  }
}

/** Runs a two-input system kernel on broadcast views and records it. */
function system(op: string, kernel: string, A: Tensor, B: Tensor, batch: number[], attrs: Record<string, unknown> = {}): Tensor {
  const va = batchView(A, batch);
  const vb = batchView(B, batch);
  try {
    const [X] = runLinalg(op, kernel, [va, vb], [[[...batch, ...B.shape.slice(-2)], A.dtype]], batch, attrs);
    record(op, [A, B], X, attrs);
    return X;
  } finally {
    va.dispose();
    vb.dispose();
  }
}

export interface SolveOptions {
  /** true (default): solve A X = B; false: solve X A = B. */
  left?: boolean;
}

/**
 * The solution X of A X = B, as torch.linalg.solve. A is [..., n, n]; B is a
 * batch of vectors [..., n] when B is 1-D or B.shape equals A.shape minus its
 * last dim, otherwise a batch of matrices [..., n, k]. Batch dims broadcast.
 * Throws a LinAlgError when a matrix is singular (an exactly zero pivot).
 */
export function solve(A: Tensor, B: Tensor, opts: SolveOptions = {}): Tensor {
  const op = 'linalg.solve';
  checkSquare(op, A);
  checkTensor(op, B, 'B');
  sameDtype(op, A, B);
  if (!checkBool(op, 'left', opts.left ?? true)) {
    checkMatrix(op, B, 'B');
    return ENGINE.tidy(() => mT(solve(mT(A), mT(B))));
  }
  const vector = B.ndim === 1 || (B.ndim === A.ndim - 1 && B.shape.every((d, i) => d === A.shape[i]));
  return ENGINE.tidy(() => {
    const B2 = vector ? unsqueeze(B, -1) : B;
    if (B2.ndim < 2) throw new ShapeError(`${op}: Incompatible shapes of A and B for the equation AX = B (${fmt(A.shape)} and ${fmt(B.shape)})`);
    const X = system(op, 'linalgSolve', A, B2, systemBatch(op, A, B2, B));
    return vector ? squeeze(X, -1) : X;
  });
}

export interface SolveTriangularOptions {
  /** Whether A is upper (true) or lower (false) triangular; the other triangle is not read. */
  upper: boolean;
  /** true (default): A X = B; false: X A = B. */
  left?: boolean;
  /** Assume ones on A's diagonal (the diagonal is not read). */
  unitriangular?: boolean;
}

/**
 * X with A X = B for triangular A [..., n, n] and B [..., n, k], as
 * torch.linalg.solve_triangular. A zero on the diagonal gives inf/NaN (no error).
 */
export function solveTriangular(A: Tensor, B: Tensor, opts: SolveTriangularOptions): Tensor {
  const op = 'linalg.solveTriangular';
  checkSquare(op, A);
  checkMatrix(op, B, 'B');
  sameDtype(op, A, B);
  const upper = checkBool(op, 'upper', opts?.upper);
  const unitriangular = checkBool(op, 'unitriangular', opts.unitriangular ?? false);
  if (!checkBool(op, 'left', opts.left ?? true)) {
    return ENGINE.tidy(() => mT(solveTriangular(mT(A), mT(B), { upper: !upper, unitriangular })));
  }
  return system(op, 'linalgSolveTriangular', A, B, systemBatch(op, A, B), { upper, unitriangular });
}

/** The inverse of each square matrix; a LinAlgError when one is singular. */
export function inv(A: Tensor): Tensor {
  return invImpl(A, false);
}

/** @internal inv that gives inf/NaN for a singular matrix instead of throwing (for gradient rules). */
export function invImpl(A: Tensor, unchecked: boolean): Tensor {
  const op = 'linalg.inv';
  checkSquare(op, A);
  const [Y] = runLinalg(op, 'linalgInv', [A], [[A.shape, A.dtype]], batchShape(A), { unchecked });
  record(op, [A], Y);
  return Y;
}

/** The determinant of each square matrix ([..., n, n] -> [...]); 0 for a singular one. */
export function det(A: Tensor): Tensor {
  const op = 'linalg.det';
  checkSquare(op, A);
  const batch = batchShape(A);
  const [d] = runLinalg(op, 'linalgDet', [A], [[batch, A.dtype]], batch, { log: false });
  record(op, [A], d);
  return d;
}

/**
 * [sign, log|det|] of each square matrix, as torch.linalg.slogdet. A singular
 * matrix gives [0, -inf]. Only log|det| has a gradient (the sign is piecewise constant).
 */
export function slogdet(A: Tensor): [Tensor, Tensor] {
  const op = 'linalg.slogdet';
  checkSquare(op, A);
  const batch = batchShape(A);
  const [sign, logAbs] = runLinalg(
    op,
    'linalgDet',
    [A],
    [
      [batch, A.dtype],
      [batch, A.dtype],
    ],
    batch,
    { log: true },
  );
  record(op, [A], logAbs);
  return [sign, logAbs];
}

export interface CholeskyOptions {
  /** Return the upper factor U (A = U^T U), reading A's upper triangle. */
  upper?: boolean;
}

/**
 * The Cholesky factor of symmetric positive-definite matrices: lower L with
 * A = L L^T, reading only A's lower triangle (or, with upper, U = L^T from the
 * upper triangle). Throws a LinAlgError when a matrix is not positive-definite.
 */
export function cholesky(A: Tensor, opts: CholeskyOptions = {}): Tensor {
  const op = 'linalg.cholesky';
  checkSquare(op, A);
  if (checkBool(op, 'upper', opts.upper ?? false)) return ENGINE.tidy(() => mT(cholesky(mT(A))));
  const [L] = runLinalg(op, 'linalgCholesky', [A], [[A.shape, A.dtype]], batchShape(A));
  record(op, [A], L);
  return L;
}
