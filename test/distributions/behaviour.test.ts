// Broadcasting of parameters, dtypes, KL properties (asymmetry, agreement
// between families), the three MultivariateNormal parameterisations, second
// derivatives through the Cholesky factor, and memory: a distribution's
// tensors are freed by dispose() or an enclosing tidy, and a loop of sampling
// and logProb inside tidy keeps the tensor count flat.
import { beforeAll, describe, expect, it } from 'vitest';
import * as D from '../../src/distributions/index.js';
import type { BackendName } from '../../src/engine/backend.js';
import { expectClose, on, setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);

const f64 = (v: number | number[] | number[][] | number[][][], requiresGrad = false) => wg.tensor(v as number[], { dtype: 'float64', requiresGrad });
const js = (fn: () => void) => on('js', () => wg.tidy(fn));

describe('broadcasting and dtypes', () => {
  it('parameters broadcast to batchShape; samples are sampleShape + batchShape + eventShape', () =>
    js(() => {
      const n = new D.Normal(f64([[0], [1]]), f64([1, 2, 3]));
      expect(n.batchShape).toEqual([2, 3]);
      expect(n.loc.shape).toEqual([2, 3]);
      expect(n.sample([4]).shape).toEqual([4, 2, 3]);
      expect(n.logProb(f64([[[0.5]]])).shape).toEqual([1, 2, 3]);
      expect(new D.Uniform(0, f64([1, 2])).sample().shape).toEqual([2]);
      const c = new D.Categorical({
        logits: f64([
          [0, 1, 2],
          [2, 1, 0],
        ]),
      });
      expect(c.sample([5]).shape).toEqual([5, 2]);
      expect(c.logProb(wg.tensor([[0], [1], [2], [0]], { dtype: 'int32' })).shape).toEqual([4, 2]);
      const m = new D.MultivariateNormal(
        f64([
          [0, 0, 0],
          [1, 1, 1],
        ]),
        { covarianceMatrix: wg.eye(3, 3, { dtype: 'float64' }) },
      );
      expect([m.batchShape, m.eventShape]).toEqual([[2], [3]]);
      expect(m.sample([4]).shape).toEqual([4, 2, 3]);
      expect(m.covarianceMatrix.shape).toEqual([2, 3, 3]);
      expect(m.logProb(f64([0, 0, 0])).shape).toEqual([2]);
    }));

  it("numbers take the tensors' dtype; numbers alone give float32; int32 parameters become float32", () =>
    js(() => {
      expect(new D.Normal(f64([0, 1]), 2).scale.dtype).toBe('float64');
      expect(new D.Normal(0, 1).loc.dtype).toBe('float32');
      expect(new D.Uniform(wg.tensor([0], { dtype: 'int32' }), 3).low.dtype).toBe('float32');
      expect(new D.Normal(0, 1).batchShape).toEqual([]);
    }));

  it('gradients of logProb reach a parameter that was broadcast (summed over the broadcast axis)', () =>
    js(() => {
      const g = wg.grad((loc) => new D.Normal(loc, f64([1, 2, 4])).logProb(f64([1, 1, 1])).sum())(f64([0]));
      // d/dloc sum_i (x - loc) / s_i^2 = 1 + 1/4 + 1/16.
      expectClose(g.dataSync(), [1.3125], { rtol: 1e-12 });
    }));
});

describe('KL divergence properties', () => {
  it('is asymmetric: KL(N(0,1) || N(1,2)) = log 2 - 1/4 and KL(N(1,2) || N(0,1)) = 2 - log 2 (analytic)', () =>
    js(() => {
      const p = new D.Normal(f64(0), f64(1));
      const q = new D.Normal(f64(1), f64(2));
      const pq = D.klDivergence(p, q).item();
      const qp = D.klDivergence(q, p).item();
      expect(pq).toBeCloseTo(Math.log(2) - 0.25, 12);
      expect(qp).toBeCloseTo(2 - Math.log(2), 12);
      expect(Math.abs(pq - qp)).toBeGreaterThan(0.5);
      expect(D.klDivergence(p, p).item()).toBe(0);
    }));

  it("a diagonal MultivariateNormal's KL is the sum of its coordinates' Normal KLs", () =>
    js(() => {
      const [m1, s1, m2, s2] = [
        [0.5, -1, 2],
        [1, 0.5, 2],
        [0, 1, 1.5],
        [2, 1, 0.7],
      ];
      const diag = (s: number[]) => f64(s.map((v, i) => s.map((_, j) => (i === j ? v * v : 0))));
      const mvn = D.klDivergence(
        new D.MultivariateNormal(f64(m1), { covarianceMatrix: diag(s1) }),
        new D.MultivariateNormal(f64(m2), { covarianceMatrix: diag(s2) }),
      );
      const normals = D.klDivergence(new D.Normal(f64(m1), f64(s1)), new D.Normal(f64(m2), f64(s2))).sum();
      expect(mvn.item()).toBeCloseTo(normals.item(), 12);
    }));

  it('KL is never negative and is 0 between equal distributions, for every family', () =>
    js(() => {
      const pairs: [D.Distribution, D.Distribution][] = [
        [new D.Bernoulli({ probs: f64([0.2, 0.7]) }), new D.Bernoulli({ logits: f64([0.3, -1]) })],
        [new D.Categorical({ probs: f64([1, 2, 3]) }), new D.Categorical({ logits: f64([0, 0, 1]) })],
        [new D.Uniform(f64(0), f64(1)), new D.Uniform(f64(-1), f64(2))],
      ];
      for (const [p, q] of pairs) {
        for (const v of D.klDivergence(p, q).dataSync()) expect(v).toBeGreaterThan(0);
        for (const v of D.klDivergence(p, p).dataSync()) expect(Math.abs(v)).toBeLessThan(1e-12);
      }
    }));
});

describe('MultivariateNormal', () => {
  const S = [
    [2, 0.6, -0.4],
    [0.6, 1, 0.3],
    [-0.4, 0.3, 0.5],
  ];
  it('covarianceMatrix, scaleTril and precisionMatrix describe the same distribution', () =>
    js(() => {
      const loc = f64([0.1, 0.2, 0.3]);
      const a = new D.MultivariateNormal(loc, { covarianceMatrix: f64(S) });
      const b = new D.MultivariateNormal(loc, { scaleTril: a.scaleTril });
      const c = new D.MultivariateNormal(loc, { precisionMatrix: a.precisionMatrix });
      const x = f64([
        [1, -1, 0.5],
        [0, 0, 0],
      ]);
      for (const d of [b, c]) {
        expectClose(d.logProb(x).dataSync(), a.logProb(x).dataSync(), { rtol: 1e-12 });
        expectClose(d.covarianceMatrix.dataSync(), S.flat(), { rtol: 1e-12, atol: 1e-14 });
        expectClose(d.entropy().dataSync(), a.entropy().dataSync(), { rtol: 1e-12 });
      }
      // L L^T = S and L is lower-triangular.
      const L = a.scaleTril.dataSync();
      expect([L[1], L[2], L[5]]).toEqual([0, 0, 0]);
    }));

  it('second derivatives of logProb w.r.t. loc and the covariance pass gradcheck (order 2) through the Cholesky factor', () =>
    js(() => {
      const f = (loc: wg.Tensor, cov: wg.Tensor) =>
        new D.MultivariateNormal(loc, { covarianceMatrix: cov }, { validateArgs: false }).logProb(f64([0.5, -0.5, 1])).sum();
      expect(wg.gradcheck(f, [f64([0.1, 0.2, 0.3]), f64(S)], { order: 2 }).ok).toBe(true);
    }));

  it('second derivatives of KL w.r.t. both scale factors pass gradcheck (order 2)', () =>
    js(() => {
      const L1 = [
        [1.2, 0, 0],
        [0.3, 0.8, 0],
        [-0.2, 0.1, 0.6],
      ];
      const f = (a: wg.Tensor, b: wg.Tensor) =>
        D.klDivergence(
          new D.MultivariateNormal(f64([0, 1, 0]), { scaleTril: a }, { validateArgs: false }),
          new D.MultivariateNormal(f64([1, 0, 0]), { precisionMatrix: b }, { validateArgs: false }),
        );
      expect(wg.gradcheck(f, [f64(L1), f64(S)], { order: 2 }).ok).toBe(true);
    }));
});

describe('memory', () => {
  const make = (): D.Distribution[] => [
    new D.Normal(wg.tensor([0, 1]), 2),
    new D.Uniform(-1, wg.tensor([1, 2])),
    new D.Bernoulli({ logits: wg.tensor([0.3, -0.6]) }),
    new D.Categorical({
      probs: wg.tensor([
        [1, 2, 3],
        [3, 2, 1],
      ]),
    }),
    new D.MultivariateNormal(wg.tensor([0, 0]), {
      covarianceMatrix: wg.tensor([
        [2, 0.5],
        [0.5, 1],
      ]),
    }),
  ];

  for (const backend of ['js', 'wasm'] as BackendName[]) {
    it(`a loop of construction, sampling, logProb, entropy and KL inside tidy keeps memory flat on ${backend}`, () =>
      on(backend, () => {
        const outside = make(); // built once, used inside every tidy: must survive them
        const step = () =>
          wg.tidy(() => {
            const inside = make();
            inside.forEach((d, i) => {
              d.logProb(d.sample([64])).sum();
              outside[i].logProb(outside[i].sample([8])).sum();
              d.entropy();
              D.klDivergence(d, outside[i]);
            });
            const loc = wg.tensor([0, 1], { requiresGrad: true });
            wg.grad((l) => new D.Normal(l, 1).rsample([16]).square().mean())(loc);
          });
        step();
        const before = wg.memory();
        for (let i = 0; i < 30; i++) step();
        const after = wg.memory();
        expect(after.tensors).toBe(before.tensors);
        expect(after.bytes).toBe(before.bytes);
        outside.forEach((d) => d.dispose());
      }));
  }

  it('each method called outside tidy leaves nothing but its result', () =>
    on('wasm', () => {
      for (const d of make()) {
        const x = d.sample([3]);
        const calls: [string, () => wg.Tensor][] = [
          ['sample', () => d.sample([3])],
          ['logProb', () => d.logProb(x)],
          ['entropy', () => d.entropy()],
          ['variance', () => d.variance],
          ['stddev', () => d.stddev],
          ['KL', () => D.klDivergence(d, d)],
        ];
        if (d.hasRsample) calls.push(['rsample', () => d.rsample([3])]);
        for (const [name, call] of calls) {
          const before = wg.memory().tensors;
          const r = call();
          // A getter may return a tensor the distribution holds (Normal's stddev is its scale): then nothing is new.
          expect(wg.memory().tensors - before, `${d.name}.${name}`).toBeLessThanOrEqual(1);
          if (wg.memory().tensors > before) r.dispose();
        }
        x.dispose();
        d.dispose();
      }
    }));

  it("dispose() frees exactly the tensors a distribution made, and not the caller's", () =>
    on('wasm', () => {
      const loc = wg.tensor([0, 1]);
      const cov = wg.tensor([
        [2, 0.5],
        [0.5, 1],
      ]);
      const before = wg.memory().tensors;
      const ds = [new D.Normal(loc, 1), new D.MultivariateNormal(loc, { covarianceMatrix: cov }), new D.Bernoulli({ probs: 0.3 })];
      expect(wg.memory().tensors).toBeGreaterThan(before);
      ds.forEach((d) => d.dispose());
      expect(wg.memory().tensors).toBe(before);
      expect(loc.disposed || cov.disposed).toBe(false);
      wg.dispose([loc, cov]);
    }));

  it('keep() lets a distribution made inside tidy outlive it', () =>
    on('wasm', () => {
      const d = wg.tidy(() => new D.Normal(wg.tensor([0, 1]), 1).keep());
      expect(d.logProb(0).shape).toEqual([2]);
      d.dispose();
    }));
});
