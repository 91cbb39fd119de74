// Hessians and Jacobians against torch.autograd.functional (committed
// fixtures), on the js backend in float64 and on the wasm backend in float32;
// and Newton's method (Deep Learning, chapter 4) driven by wg.hessian.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BackendName, expectClose, FAST_BACKENDS, on, setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);

interface Enc {
  shape: number[];
  data: number[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/hessians.json', import.meta.url), 'utf8')) as {
  W: Enc;
  A: Enc;
  hessians: { name: string; x: Enc; value: number; hessian: Enc }[];
  jacobians: { name: string; x: Enc; jacobian: Enc }[];
};

type F = (x: wg.Tensor) => wg.Tensor;
function functions(dtype: wg.DType): { h: Record<string, F>; j: Record<string, F> } {
  const W = wg.tensor(fx.W.data, { shape: fx.W.shape, dtype });
  const A = wg.tensor(fx.A.data, { shape: fx.A.shape, dtype });
  return {
    h: {
      sum_cube: (x) => x.pow(3).sum(),
      logsumexp: (x) => x.logsumexp(0),
      sigmoid_times_cube: (x) => x.sigmoid().mul(x.pow(3)).sum(),
      sum_tanh_Wx_squared: (x) => W.matmul(x).tanh().square().sum(),
      softmax_entropy: (x) => x.softmax(0).mul(x.logSoftmax(0)).sum().neg(),
      matrix_input: (X) => A.T.matmul(X).square().sum().add(X.logsumexp(1).sum()),
    },
    j: {
      softmax: (x) => x.softmax(0),
      tanh_Wx: (x) => W.matmul(x).tanh(),
    },
  };
}

const settings: [BackendName, wg.DType, number][] = [
  ['js', 'float64', 1e-10],
  ...FAST_BACKENDS.map((b) => [b, 'float32', 2e-4] as [BackendName, wg.DType, number]),
];

for (const [backend, dtype, tol] of settings) {
  describe(`Hessians against torch on ${backend} (${dtype})`, () => {
    for (const c of fx.hessians) {
      it(c.name, () => {
        on(backend, () =>
          wg.tidy(() => {
            const f = functions(dtype).h[c.name];
            const x = wg.tensor(c.x.data, { shape: c.x.shape, dtype });
            const H = wg.hessian(f)(x);
            expect(H.shape).toEqual(c.hessian.shape);
            expect(H.requiresGrad).toBe(false);
            expectClose(H.dataSync(), c.hessian.data, { rtol: tol, atol: tol }, c.name);
            expectClose(f(x).dataSync(), [c.value], { rtol: tol, atol: tol }, `${c.name} value`);
            // hvp agrees with H v without forming H; grad(grad) of a sum agrees with H's row sums.
            const v = wg.randn(x.shape, { dtype });
            const Hv = wg.hvp(f)(x, v);
            const expected = H.reshape([x.size, x.size]).matmul(v.reshape([-1]));
            expectClose(Hv.dataSync(), expected.dataSync(), { rtol: tol * 10, atol: tol * 10 }, `${c.name} hvp`);
          }),
        );
      });
    }
    for (const c of fx.jacobians) {
      it(`jacobian ${c.name}`, () => {
        on(backend, () =>
          wg.tidy(() => {
            const f = functions(dtype).j[c.name];
            const x = wg.tensor(c.x.data, { shape: c.x.shape, dtype });
            const J = wg.jacobian(f)(x);
            expect(J.shape).toEqual(c.jacobian.shape);
            expectClose(J.dataSync(), c.jacobian.data, { rtol: tol, atol: tol }, c.name);
            // The jacobian of grad is the Hessian: jacobian(grad(f)) composes.
            const g = (y: wg.Tensor) => f(y).sum();
            const H1 = wg.jacobian(wg.grad(g))(x);
            const H2 = wg.hessian(g)(x);
            expectClose(H1.dataSync(), H2.dataSync(), { rtol: tol, atol: tol });
          }),
        );
      });
    }
  });
}

describe("Newton's method (chapter 4) with wg.hessian", () => {
  it('minimises a positive-definite quadratic in one step', () => {
    on('js', () =>
      wg.tidy(() => {
        // f(x) = 1/2 x^T A x - b^T x with A = M M^T + I, minimised at A^-1 b.
        wg.seed(5);
        const M = wg.randn([4, 4], { dtype: 'float64' });
        const A = M.matmul(M.T).add(wg.eye(4, 4, { dtype: 'float64' }));
        const b = wg.randn([4], { dtype: 'float64' });
        const f = (x: wg.Tensor) => x.matmul(A).dot(x).mul(0.5).sub(b.dot(x));
        const x0 = wg.randn([4], { dtype: 'float64' });
        const H = wg.hessian(f)(x0);
        expectClose(H.dataSync(), A.dataSync(), { rtol: 1e-12, atol: 1e-12 }, 'the Hessian of a quadratic is A');
        const g = wg.grad(f)(x0);
        const step = solve(H, g);
        const x1 = x0.sub(step);
        expect(wg.grad(f)(x1).abs().max().item()).toBeLessThan(1e-10);
        expectClose(A.matmul(x1).dataSync(), b.dataSync(), { rtol: 1e-10, atol: 1e-10 }, 'A x* = b');
      }),
    );
  });

  it('converges on a non-quadratic function in a few steps', () => {
    on('js', () =>
      wg.tidy(() => {
        // f(x, y) = exp(x + 3y - 0.1) + exp(x - 3y - 0.1) + exp(-x - 0.1), a classic strictly convex test.
        const f = (v: wg.Tensor) => {
          const [x, y] = [v.select(0, 0), v.select(0, 1)];
          return x
            .add(y.mul(3))
            .sub(0.1)
            .exp()
            .add(x.sub(y.mul(3)).sub(0.1).exp())
            .add(x.neg().sub(0.1).exp());
        };
        let v = wg.tensor([1, 0.5], { dtype: 'float64' });
        const norms: number[] = [];
        for (let i = 0; i < 8; i++) {
          const g = wg.grad(f)(v);
          norms.push(g.abs().max().item());
          v = v.sub(solve(wg.hessian(f)(v), g));
        }
        // Minimum at x = -ln(2)/2, y = 0.
        expect(v.toArray()).toEqual([expect.closeTo(-Math.log(2) / 2, 9), expect.closeTo(0, 9)]);
        // Quadratic convergence: the last steps shrink the gradient far faster than linearly.
        const k = norms.findIndex((n) => n < 1e-3);
        expect(k).toBeGreaterThanOrEqual(0);
        expect(norms[k + 1]).toBeLessThan(norms[k] ** 1.5);
        expect(norms[7]).toBeLessThan(1e-9);
      }),
    );
  });
});

/** Solves H s = g by Gaussian elimination (the linear algebra module comes later). */
function solve(H: wg.Tensor, g: wg.Tensor): wg.Tensor {
  const n = g.size;
  const a = Array.from(H.dataSync());
  const r = Array.from(g.dataSync());
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i * n + c]) > Math.abs(a[p * n + c])) p = i;
    for (let j = 0; j < n; j++) [a[c * n + j], a[p * n + j]] = [a[p * n + j], a[c * n + j]];
    [r[c], r[p]] = [r[p], r[c]];
    for (let i = c + 1; i < n; i++) {
      const m = a[i * n + c] / a[c * n + c];
      for (let j = c; j < n; j++) a[i * n + j] -= m * a[c * n + j];
      r[i] -= m * r[c];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) r[i] -= a[i * n + j] * r[j];
    r[i] /= a[i * n + i];
  }
  return wg.tensor(r, { shape: g.shape, dtype: g.dtype });
}
