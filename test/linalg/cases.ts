// test/fixtures/linalg.json (written by test/fixtures/generate_linalg.py) and
// the mapping from its op names to wg.linalg, including the gauge-invariant
// functions of the qr, svd and eigh factors that the generator records.
import { readFileSync } from 'node:fs';
import * as wg from '../../src/index.js';
import * as linalg from '../../src/linalg/index.js';

export { linalg, wg };

export interface Arr {
  shape: number[];
  data: number[];
}

export interface LinalgCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Arr[];
  outputs: Arr[];
  cotangents: Arr[] | null;
  grads: (Arr | null)[] | null;
}

/** "nan", "inf", "-inf" back to numbers, anywhere in a JSON value. */
function decode(v: unknown): any {
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
}

const raw = JSON.parse(readFileSync(new URL('../fixtures/linalg.json', import.meta.url), 'utf8'));
export const CASES: LinalgCase[] = decode(raw.cases);

const ks = (k: number, like: wg.Tensor, f: (i: number) => number) =>
  wg.tensor(
    Array.from({ length: k }, (_, i) => f(i + 1)),
    { dtype: like.dtype },
  );
const mT = (x: wg.Tensor) => x.transpose(-1, -2);
/** X diag(v) Y for a batch: scale X's columns by v. */
const scaled = (X: wg.Tensor, v: wg.Tensor, Y: wg.Tensor) => X.mul(v).matmul(Y);

/** [Q D, D R] with D = sign(diag(R)) (0 -> 1): the same for any sign convention of the factors. */
export function qrInvariant(A: wg.Tensor, mode: linalg.QrMode = 'reduced'): wg.Tensor[] {
  const [Q, R] = linalg.qr(A, { mode });
  const k = Math.min(Q.shape[Q.ndim - 1], R.shape[R.ndim - 2]);
  const Rk = R.narrow(-2, 0, k);
  const diag = Rk.narrow(-1, 0, k)
    .mul(wg.eye(k, k, { dtype: A.dtype }))
    .sum(-1);
  const d = wg.where(diag.eq(0), 1, diag.sign()).detach();
  return [Q.narrow(-1, 0, k).mul(d.unsqueeze(-2)), d.unsqueeze(-1).mul(Rk)];
}

/** [S, U diag(a) U^T, V diag(b) V^T, U diag(c) V^T] over the first k triplets. */
export function svdInvariant(A: wg.Tensor, fullMatrices = false): wg.Tensor[] {
  const [U0, S, Vh0] = linalg.svd(A, { fullMatrices });
  const k = S.shape[S.ndim - 1];
  const U = U0.narrow(-1, 0, k);
  const Vh = Vh0.narrow(-2, 0, k);
  const V = mT(Vh);
  return [
    S,
    scaled(
      U,
      ks(k, A, (i) => i),
      mT(U),
    ),
    scaled(
      V,
      ks(k, A, (i) => 1 + 0.5 * i),
      Vh,
    ),
    scaled(
      U,
      ks(k, A, (i) => 1 / i),
      Vh,
    ),
  ];
}

/** [w, V diag(1..n) V^T]. */
export function eighInvariant(A: wg.Tensor, UPLO: 'L' | 'U' = 'L'): wg.Tensor[] {
  const [w, V] = linalg.eigh(A, { UPLO });
  return [
    w,
    scaled(
      V,
      ks(w.shape[w.ndim - 1], A, (i) => i),
      mT(V),
    ),
  ];
}

type Args = Record<string, any>;

/** op name in linalg.json -> the outputs of wasmgrad's counterpart. */
export const OPS: Record<string, (xs: wg.Tensor[], a: Args) => wg.Tensor[]> = {
  solve: ([A, B], a) => [linalg.solve(A, B, { left: a.left })],
  solve_triangular: ([A, B], a) => [linalg.solveTriangular(A, B, { upper: a.upper, left: a.left, unitriangular: a.unitriangular })],
  inv: ([A]) => [linalg.inv(A)],
  det: ([A]) => [linalg.det(A)],
  slogdet: ([A]) => linalg.slogdet(A),
  cholesky: ([A], a) => [linalg.cholesky(A, { upper: a.upper })],
  qr_inv: ([A], a) => qrInvariant(A, a.mode),
  svd_inv: ([A], a) => svdInvariant(A, a.full_matrices),
  svdvals: ([A]) => [linalg.svdvals(A)],
  eigh_inv: ([A], a) => eighInvariant(A, a.UPLO),
  eigvalsh: ([A], a) => [linalg.eigvalsh(A, { UPLO: a.UPLO })],
  pinv: ([A], a) => [linalg.pinv(A, { atol: a.atol, rtol: a.rtol, hermitian: a.hermitian })],
  matrix_rank: ([A], a) => [linalg.matrixRank(A, { atol: a.atol, rtol: a.rtol, hermitian: a.hermitian })],
  vector_norm: ([x], a) => [linalg.vectorNorm(x, a.ord, a.axis, a.keepdim)],
  matrix_norm: ([A], a) => [linalg.matrixNorm(A, a.ord, a.axis, a.keepdim)],
  norm: ([x], a) => [linalg.norm(x, a.ord ?? undefined, a.axis, a.keepdim)],
};

/** A fixture array as a tensor of `dtype` on the current backend. */
export function toTensor(a: Arr, dtype: wg.DType): wg.Tensor {
  return wg.tensor(a.data, { shape: a.shape, dtype });
}
