// Bad input to wg.linalg: singular and non-positive-definite matrices, wrong
// shapes and dtypes, bad options, NaN and inf (which must never hang), extreme
// scales; and that a failed call leaves memory as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { on, setupBackends } from '../helpers/index.js';
import { linalg, wg } from './cases.js';

beforeAll(setupBackends);

const f64 = (v: number[][] | number[][][]) => wg.tensor(v, { dtype: 'float64' });
const SINGULAR = [
  [1, 2],
  [2, 4],
];

for (const backend of ['js', 'wasm'] as const) {
  describe(`linalg bad input (${backend})`, () => {
    const t = (fn: () => void) => () => on(backend, () => wg.tidy(fn));

    it(
      'singular matrices: solve and inv throw LinAlgError like PyTorch; det is 0, slogdet (0, -inf)',
      t(() => {
        const S = f64(SINGULAR);
        expect(() => linalg.solve(S, f64([[1], [2]]))).toThrow(linalg.LinAlgError);
        expect(() => linalg.solve(S, f64([[1], [2]]))).toThrow('linalg.solve: The solver failed because the input matrix is singular.');
        expect(() =>
          linalg.solve(
            f64([
              [
                [2, 0],
                [0, 2],
              ],
              SINGULAR,
            ]),
            f64([[1], [2]]),
          ),
        ).toThrow('linalg.solve: (Batch element 1): The solver failed because the input matrix is singular.');
        expect(() => linalg.inv(S)).toThrow(
          'linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.',
        );
        expect(linalg.det(S).item() === 0).toBe(true); // -0 here, as in PyTorch
        const [sign, logAbs] = linalg.slogdet(S);
        expect([sign.item(), logAbs.item()]).toEqual([0, Number.NEGATIVE_INFINITY]);
        // The gradient of log|det| there is infinite: inf/NaN, as PyTorch, not an error.
        const g = wg.grad((x: wg.Tensor) => linalg.slogdet(x)[1])(S);
        expect(Array.from(g.dataSync()).some((v) => !Number.isFinite(v))).toBe(true);
        // det's gradient at a singular matrix is the (finite) cofactor matrix.
        const cof = wg
          .grad((x: wg.Tensor) => linalg.det(x))(S)
          .dataSync();
        [4, -2, -2, 1].forEach((v, k) => expect(cof[k]).toBeCloseTo(v, 12));
        // A triangular solve with a zero on the diagonal gives inf/NaN (no check, as LAPACK's trsm).
        const X = linalg.solveTriangular(
          f64([
            [0, 0],
            [1, 1],
          ]),
          f64([[1], [1]]),
          { upper: false },
        );
        expect(Number.isFinite(X.dataSync()[0])).toBe(false);
      }),
    );

    it(
      'cholesky of a matrix that is not positive-definite throws LinAlgError',
      t(() => {
        const msg =
          'linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 2 is not positive-definite).';
        expect(() =>
          linalg.cholesky(
            f64([
              [1, 2],
              [2, 1],
            ]),
          ),
        ).toThrow(msg);
        expect(() =>
          linalg.cholesky(
            f64([
              [
                [4, 0],
                [0, 1],
              ],
              [
                [1, 0],
                [0, -1],
              ],
            ]),
          ),
        ).toThrow('(Batch element 1)');
        expect(() => linalg.cholesky(f64([[Number.NaN]]))).toThrow(linalg.LinAlgError);
        expect(() =>
          linalg.cholesky(
            f64([
              [1, 0],
              [0, 0],
            ]),
          ),
        ).toThrow(linalg.LinAlgError);
      }),
    );

    it(
      'shapes: non-square and 1-D inputs throw ShapeError naming the op and the shape',
      t(() => {
        const R = wg.zeros([2, 3], { dtype: 'float64' });
        for (const [name, f] of [
          ['linalg.inv', () => linalg.inv(R)],
          ['linalg.det', () => linalg.det(R)],
          ['linalg.slogdet', () => linalg.slogdet(R)],
          ['linalg.cholesky', () => linalg.cholesky(R)],
          ['linalg.eigh', () => linalg.eigh(R)],
          ['linalg.eigvalsh', () => linalg.eigvalsh(R)],
          ['linalg.solve', () => linalg.solve(R, wg.zeros([2], { dtype: 'float64' }))],
          ['linalg.pinv', () => linalg.pinv(R, { hermitian: true })],
        ] as const) {
          expect(f).toThrow(wg.ShapeError);
          expect(f).toThrow(`${name}: A must be batches of square matrices, but they are 2 by 3 matrices (shape [2,3])`);
        }
        const v = wg.zeros([3], { dtype: 'float64' });
        for (const f of [() => linalg.svd(v), () => linalg.qr(v), () => linalg.inv(v), () => linalg.matrixNorm(v)]) expect(f).toThrow(wg.ShapeError);
        const A = wg.eye(3, 3, { dtype: 'float64' });
        expect(() => linalg.solve(A, wg.zeros([4, 1], { dtype: 'float64' }))).toThrow(
          'linalg.solve: Incompatible shapes of A and B for the equation AX = B ([3,3] and [4,1])',
        );
        expect(() => linalg.solve(wg.zeros([2, 3, 3], { dtype: 'float64' }), wg.zeros([3, 3, 1], { dtype: 'float64' }))).toThrow(wg.ShapeError);
        expect(() => linalg.norm(wg.zeros([2, 2, 2]), 2)).toThrow(wg.ShapeError);
      }),
    );

    it(
      'dtypes and options',
      t(() => {
        const I = wg.tensor(
          [
            [1, 0],
            [0, 1],
          ],
          { dtype: 'int32' },
        );
        for (const f of [() => linalg.inv(I), () => linalg.svd(I), () => linalg.eigh(I), () => linalg.vectorNorm(I), () => linalg.matrixNorm(I)]) {
          expect(f).toThrow(wg.DTypeError);
        }
        const A = wg.eye(2, 2, { dtype: 'float64' });
        expect(() => linalg.solve(A, wg.ones([2, 1]))).toThrow(wg.DTypeError);
        expect(() => linalg.qr(A, { mode: 'r' as never })).toThrow(wg.ArgumentError);
        expect(() => linalg.eigh(A, { UPLO: 'X' as never })).toThrow(wg.ArgumentError);
        expect(() => linalg.matrixNorm(A, 3)).toThrow(wg.ArgumentError);
        expect(() => linalg.matrixNorm(A, 'fro', [1, 1])).toThrow(wg.ArgumentError);
        expect(() => linalg.vectorNorm(A, 'fro' as never)).toThrow(wg.ArgumentError);
        expect(() => linalg.norm(wg.ones([3], { dtype: 'float64' }), 'nuc')).toThrow(wg.ArgumentError);
        expect(() => linalg.pinv(A, { rtol: -1 })).toThrow(wg.ArgumentError);
        expect(() => linalg.solveTriangular(A, A, {} as never)).toThrow(wg.ArgumentError);
        // Complete QR of a tall matrix has no gradient (Q is not unique), as in PyTorch.
        const tall = wg.tensor(
          [
            [1, 2],
            [3, 4],
            [5, 7],
          ],
          { dtype: 'float64' },
        );
        expect(() => wg.grad((x: wg.Tensor) => linalg.qr(x, { mode: 'complete' })[1].sum())(tall)).toThrow('not differentiable');
      }),
    );

    it(
      'NaN and inf never hang: NaN results, or LinAlgError where PyTorch raises one',
      t(() => {
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
          const A = wg.tensor(
            Array.from({ length: 16 }, (_, i) => (i === 5 ? bad : i % 5) + (i % 4 === Math.floor(i / 4) ? 4 : 0)),
            { shape: [4, 4], dtype: 'float64' },
          );
          const finite = (x: wg.Tensor) => Array.from(x.dataSync()).every(Number.isFinite);
          // LU spreads a NaN; an inf pivot just zeroes its multipliers (the results stay defined).
          const X = linalg.solve(A, wg.ones([4], { dtype: 'float64' }));
          const Y = linalg.inv(A);
          const d = linalg.det(A);
          if (Number.isNaN(bad)) for (const r of [X, Y, d]) expect(finite(r)).toBe(false);
          expect(finite(linalg.qr(A)[1])).toBe(false);
          expect(finite(linalg.eigh(A)[1])).toBe(false);
          expect(finite(linalg.eigvalsh(A))).toBe(false);
          // PyTorch: "linalg.svd: The algorithm failed to converge because the input matrix contained non-finite values."
          expect(() => linalg.svd(A)).toThrow('contained non-finite values');
          expect(() => linalg.svdvals(A)).toThrow(linalg.LinAlgError);
          expect(() => linalg.pinv(A)).toThrow(linalg.LinAlgError);
          expect(finite(linalg.norm(A))).toBe(false);
        }
      }),
    );

    it(
      'extreme scales: no overflow in the squared norms of the iterative methods',
      t(() => {
        for (const scale of [1e200, 1e-200]) {
          const A = f64([
            [3, 1],
            [1, 2],
          ]).mul(scale);
          const s = linalg.svdvals(A).dataSync();
          const w = linalg.eigvalsh(A).dataSync();
          const exact = [(5 + Math.sqrt(5)) / 2, (5 - Math.sqrt(5)) / 2];
          expect(Math.abs(s[0] / scale - exact[0])).toBeLessThan(1e-12);
          expect(Math.abs(s[1] / scale - exact[1])).toBeLessThan(1e-12);
          expect(Math.abs(w[0] / scale - exact[1])).toBeLessThan(1e-12);
          expect(Math.abs(w[1] / scale - exact[0])).toBeLessThan(1e-12);
        }
      }),
    );

    it('a failed call leaves memory as it was and its inputs alive', () => {
      on(backend, () => {
        const S = f64(SINGULAR);
        const before = wg.memory();
        for (let i = 0; i < 3; i++) {
          expect(() => linalg.inv(S)).toThrow(linalg.LinAlgError);
          expect(() => linalg.cholesky(S)).toThrow(linalg.LinAlgError);
          expect(() => linalg.solve(S, wg.ones([2], { dtype: 'float64' }))).toThrow(linalg.LinAlgError);
        }
        // The ones() of the last line lives until the end of the step; count it out.
        wg.tidy(() => undefined);
        expect(wg.memory().bytes - before.bytes).toBeLessThanOrEqual(3 * 16);
        expect(S.toArray()).toEqual(SINGULAR);
        S.dispose();
      });
    });
  });
}
