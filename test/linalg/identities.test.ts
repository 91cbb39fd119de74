// Algebraic identities of wg.linalg on random batched input, on the js backend
// (float64) and the wasm backend (float32): A inv(A) = I, A solve(A, B) = B,
// Q R = A with Q^T Q = I, U S Vh = A with orthonormal U and V, V diag(w) V^T =
// A, L L^T = A, the Moore-Penrose conditions; empty matrices; strided views.
// Also: time of a 64 x 64 SVD, and memory that stays flat over many steps.
import { beforeAll, describe, expect, it } from 'vitest';
import { on, rng, setupBackends, uniform } from '../helpers/index.js';
import { linalg, wg } from './cases.js';

beforeAll(setupBackends);

const RUNS = [
  { backend: 'js', dtype: 'float64', tol: 1e-11 },
  { backend: 'wasm', dtype: 'float32', tol: 2e-5 },
] as const;

const mT = (x: wg.Tensor) => x.transpose(-1, -2);
const eye = (n: number, like: wg.Tensor) => wg.eye(n, n, { dtype: like.dtype });
/** max |a - b| relative to max(1, max |b|). */
function err(a: wg.Tensor, b: wg.Tensor): number {
  const x = a.dataSync();
  const y = b.broadcastTo(a.shape).contiguous().dataSync();
  let e = 0;
  let scale = 1;
  for (let i = 0; i < x.length; i++) {
    e = Math.max(e, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return Number.isNaN(e) ? Number.POSITIVE_INFINITY : e / scale;
}
function random(shape: number[], dtype: wg.DType, seed: number, shift = 0): wg.Tensor {
  const r = rng(seed);
  const t = wg.tensor(
    uniform(
      r,
      shape.reduce((a, d) => a * d, 1),
    ),
    { shape, dtype },
  );
  const n = shape[shape.length - 1];
  return shift ? t.add(wg.eye(n, n, { dtype }).mul(shift)) : t;
}
const isUpper = (R: wg.Tensor) => err(R, R.mul(wg.tensor(triMask(R.shape, true), { shape: R.shape.slice(-2), dtype: R.dtype }))) === 0;
function triMask(shape: readonly number[], upper: boolean): number[] {
  const [r, c] = shape.slice(-2);
  return Array.from({ length: r * c }, (_, k) => ((upper ? k % c >= Math.floor(k / c) : k % c <= Math.floor(k / c)) ? 1 : 0));
}

for (const run of RUNS) {
  describe(`linalg identities (${run.backend}, ${run.dtype})`, () => {
    const t = (fn: () => void) => () => on(run.backend, () => wg.tidy(fn));
    const d = run.dtype;
    const tol = run.tol;

    for (const n of [1, 2, 5, 17, 33]) {
      it(
        `inv, solve, det, slogdet, n = ${n}`,
        t(() => {
          const A = random([2, n, n], d, n, 2);
          expect(err(A.matmul(linalg.inv(A)), eye(n, A))).toBeLessThan(tol * 10 * n);
          const B = random([2, n, 3], d, n + 1);
          expect(err(A.matmul(linalg.solve(A, B)), B)).toBeLessThan(tol * 10 * n);
          const [sign, logAbs] = linalg.slogdet(A);
          expect(err(sign.mul(logAbs.exp()), linalg.det(A))).toBeLessThan(tol * 10 * n);
          const S = random([n, n], d, n + 2);
          const spd = S.matmul(mT(S)).add(eye(n, S));
          const L = linalg.cholesky(spd);
          expect(err(L.matmul(mT(L)), spd)).toBeLessThan(tol * 10 * n);
          expect(isUpper(mT(L))).toBe(true);
          // det of a symmetric matrix is the product of its eigenvalues.
          const w = linalg.eigvalsh(spd);
          expect(err(w.log().sum(), linalg.slogdet(spd)[1])).toBeLessThan(tol * 10 * n);
        }),
      );
    }

    for (const [m, n] of [
      [1, 1],
      [4, 4],
      [7, 3],
      [3, 7],
      [33, 17],
      [17, 33],
    ]) {
      it(
        `qr, svd, pinv of ${m} x ${n} (batched)`,
        t(() => {
          const A = random([2, m, n], d, m * 100 + n);
          const k = Math.min(m, n);
          for (const mode of ['reduced', 'complete'] as const) {
            const [Q, R] = linalg.qr(A, { mode });
            const q = Q.shape[2];
            expect(err(Q.matmul(R), A)).toBeLessThan(tol * 10 * m);
            expect(err(mT(Q).matmul(Q), eye(q, A))).toBeLessThan(tol * 10 * m);
            expect(isUpper(R)).toBe(true);
          }
          for (const fullMatrices of [false, true]) {
            const [U, S, Vh] = linalg.svd(A, { fullMatrices });
            const Uk = U.narrow(-1, 0, k);
            const Vk = Vh.narrow(-2, 0, k);
            expect(err(Uk.mul(S.unsqueeze(-2)).matmul(Vk), A)).toBeLessThan(tol * 10 * m);
            expect(err(mT(U).matmul(U), eye(U.shape[2], A))).toBeLessThan(tol * 10 * m);
            expect(err(Vh.matmul(mT(Vh)), eye(Vh.shape[1], A))).toBeLessThan(tol * 10 * n);
            const s = Array.from(S.dataSync());
            for (let i = 0; i < s.length; i++) expect(s[i] >= 0 && (i % k === 0 || s[i] <= s[i - 1])).toBe(true);
            expect(err(linalg.svdvals(A), S)).toBeLessThan(tol * 10);
          }
          // The Moore-Penrose conditions.
          const P = linalg.pinv(A);
          expect(err(A.matmul(P).matmul(A), A)).toBeLessThan(tol * 100 * m);
          expect(err(P.matmul(A).matmul(P), P)).toBeLessThan(tol * 100 * m);
          const AP = A.matmul(P);
          expect(err(AP, mT(AP))).toBeLessThan(tol * 100 * m);
        }),
      );
    }

    for (const n of [1, 3, 8, 33]) {
      it(
        `eigh, n = ${n}`,
        t(() => {
          const X = random([2, n, n], d, 7 * n);
          const A = X.add(mT(X));
          for (const UPLO of ['L', 'U'] as const) {
            const [w, V] = linalg.eigh(A, { UPLO });
            expect(err(V.mul(w.unsqueeze(-2)).matmul(mT(V)), A)).toBeLessThan(tol * 10 * n);
            expect(err(mT(V).matmul(V), eye(n, A))).toBeLessThan(tol * 10 * n);
            const ws = Array.from(w.dataSync());
            for (let i = 1; i < ws.length; i++) if (i % n) expect(ws[i]).toBeGreaterThanOrEqual(ws[i - 1]);
          }
          // Only the named triangle is read.
          const lowerOnly = A.mul(wg.tensor(triMask(A.shape, false), { shape: [n, n], dtype: d }));
          expect(err(linalg.eigvalsh(lowerOnly), linalg.eigvalsh(A))).toBeLessThan(tol * 10);
        }),
      );
    }

    it(
      'rank, pinv and norms of a rank-deficient matrix',
      t(() => {
        const A = random([6, 2], d, 1).matmul(random([2, 5], d, 2));
        expect(linalg.matrixRank(A).item()).toBe(2);
        expect(linalg.matrixRank(A.matmul(mT(A)), { hermitian: true }).item()).toBe(2);
        expect(linalg.matrixRank(A, { atol: 1e6 }).item()).toBe(0);
        const P = linalg.pinv(A);
        expect(err(A.matmul(P).matmul(A), A)).toBeLessThan(tol * 1e3);
        const S = linalg.svdvals(A);
        expect(err(linalg.norm(A, 2), S.max())).toBeLessThan(tol * 10);
        expect(err(linalg.norm(A, 'nuc'), S.sum())).toBeLessThan(tol * 10);
        expect(err(linalg.norm(A, 'fro'), A.square().sum().sqrt())).toBeLessThan(tol * 10);
        expect(err(linalg.norm(A), S.square().sum().sqrt())).toBeLessThan(tol * 10);
      }),
    );

    it(
      'repeated eigenvalues and singular values',
      t(() => {
        // An orthogonal Q: all singular values 1; Q diag(1, 1, 2) Q^T: a repeated eigenvalue.
        const [Q] = linalg.qr(random([3, 3], d, 11));
        const [U, S, Vh] = linalg.svd(Q);
        expect(err(S, wg.ones([3], { dtype: d }))).toBeLessThan(tol * 10);
        expect(err(U.mul(S.unsqueeze(-2)).matmul(Vh), Q)).toBeLessThan(tol * 10);
        const A = Q.mul(wg.tensor([1, 1, 2], { dtype: d })).matmul(mT(Q));
        const [w, V] = linalg.eigh(A);
        expect(err(w, wg.tensor([1, 1, 2], { dtype: d }))).toBeLessThan(tol * 10);
        expect(err(V.mul(w.unsqueeze(-2)).matmul(mT(V)), A)).toBeLessThan(tol * 10);
        expect(err(mT(V).matmul(V), eye(3, A))).toBeLessThan(tol * 10);
        // The value-only ops and pinv keep finite gradients there (eigenvectors' are 1 / (w_j - w_i), as in PyTorch).
        const finite = (x: wg.Tensor) => Array.from(x.dataSync()).every(Number.isFinite);
        expect(
          finite(
            wg.grad((x: wg.Tensor) =>
              linalg
                .eigvalsh(x)
                .mul(wg.tensor([1, 2, 3], { dtype: d }))
                .sum(),
            )(A),
          ),
        ).toBe(true);
        expect(finite(wg.grad((x: wg.Tensor) => linalg.svdvals(x).sum())(Q))).toBe(true);
        const gP = wg.grad((x: wg.Tensor) => linalg.pinv(x).sum())(Q);
        // pinv = inverse here: d/dA sum(A^-1) = -A^-T 1 1^T A^-T.
        const ones = wg.ones([3, 3], { dtype: d });
        expect(err(gP, mT(Q).matmul(ones).matmul(mT(Q)).neg().transpose())).toBeLessThan(tol * 100);
      }),
    );

    it(
      'empty matrices and batches',
      t(() => {
        const E = wg.zeros([2, 0, 0], { dtype: d });
        expect(Array.from(linalg.det(E).dataSync())).toEqual([1, 1]);
        expect(linalg.inv(E).shape).toEqual([2, 0, 0]);
        expect(linalg.slogdet(E)[1].toArray()).toEqual([0, 0]);
        const [U, S, Vh] = linalg.svd(wg.zeros([3, 0], { dtype: d }));
        expect([U.shape, S.shape, Vh.shape]).toEqual([[3, 3], [0], [0, 0]]);
        expect(err(U, eye(3, U))).toBe(0);
        const [Q, R] = linalg.qr(wg.zeros([0, 4, 2], { dtype: d }));
        expect([Q.shape, R.shape]).toEqual([
          [0, 4, 2],
          [0, 2, 2],
        ]);
        expect(linalg.eigh(wg.zeros([0, 0], { dtype: d }))[0].shape).toEqual([0]);
      }),
    );

    it(
      'strided and broadcast views give the same results as contiguous copies',
      t(() => {
        const A = random([3, 4, 4], d, 5, 2);
        const At = mT(A); // a transposed view
        const B = random([4, 2], d, 6);
        expect(err(linalg.inv(At), linalg.inv(At.contiguous()))).toBe(0);
        expect(err(linalg.solve(At, B), linalg.solve(At.contiguous(), B.broadcastTo([3, 4, 2]).contiguous()))).toBe(0);
        expect(err(linalg.svdvals(At.narrow(1, 1, 3)), linalg.svdvals(At.narrow(1, 1, 3).contiguous()))).toBe(0);
      }),
    );
  });
}

describe('linalg performance and memory', () => {
  for (const run of RUNS) {
    it(`a 64 x 64 SVD takes under 50 ms (${run.backend}, ${run.dtype})`, () => {
      on(run.backend, () =>
        wg.tidy(() => {
          const A = random([64, 64], run.dtype, 64);
          // The fastest of several runs: robust to a busy machine.
          let best = Number.POSITIVE_INFINITY;
          for (let i = 0; i < 7; i++) {
            const t0 = performance.now();
            wg.tidy(() => linalg.svd(A)[1].dataSync());
            best = Math.min(best, performance.now() - t0);
          }
          expect(best).toBeLessThan(50);
        }),
      );
    });
  }

  it('memory stays flat over repeated forward and backward passes (wasm)', () => {
    on('wasm', () => {
      const A = random([2, 4, 4], 'float32', 9, 2);
      const step = () =>
        wg.tidy(() => {
          const f = (x: wg.Tensor) => {
            const [U, S, Vh] = linalg.svd(x);
            const [Q, R] = linalg.qr(x);
            const [w, V] = linalg.eigh(x.add(mT(x)));
            const terms = [U.square().sum(), S.sum(), Vh.square().sum(), Q.square().sum(), R.sum(), w.sum(), V.square().sum()];
            terms.push(linalg.det(x).sum(), linalg.inv(x).sum(), linalg.slogdet(x)[1].sum(), linalg.pinv(x).sum(), linalg.matrixNorm(x, 'nuc').sum());
            return terms.reduce((a, b) => a.add(b));
          };
          wg.grad(f)(A).dataSync();
          wg.hvp(f)(A, wg.onesLike(A)).dataSync();
        });
      step();
      const before = wg.memory();
      for (let i = 0; i < 10; i++) step();
      const after = wg.memory();
      expect(after.tensors).toBe(before.tensors);
      expect(after.bytes).toBe(before.bytes);
      expect(after.heapBytes).toBe(before.heapBytes);
      A.dispose();
    });
  });
});
