// Sampling: moments of 1e5 draws within statistical bounds, categorical
// frequencies by a chi-square bound, reproducibility under wg.seed, and the
// reparameterisation gradients of rsample. Bounds are 5 standard errors (a
// false alarm about once in 1.7 million checks), and the draws are seeded, so
// a run is deterministic.
import { beforeAll, describe, expect, it } from 'vitest';
import * as D from '../../src/distributions/index.js';
import type { BackendName } from '../../src/engine/backend.js';
import { on, setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);

const N = 100_000;
const Z = 5;

/** Per-column sample mean and (biased) variance of draws [N, ...rest], flattened over rest. */
function moments(x: wg.Tensor): { mean: number[]; variance: number[] } {
  const data = x.dataSync();
  const n = x.shape[0];
  const m = data.length / n;
  const mean = new Array(m).fill(0);
  const sq = new Array(m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mean[j] += data[i * m + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) sq[j] += (data[i * m + j] - mean[j]) ** 2 / n;
  return { mean, variance: sq };
}

/** |got - want| <= Z standard errors, elementwise (plus the rounding of summing N terms, for a zero standard error). */
function within(got: number[], want: number[], se: number[], what: string): void {
  got.forEach((g, i) => expect(Math.abs(g - want[i]), `${what}[${i}]: got ${g}, expected ${want[i]} +- ${Z} x ${se[i]}`).toBeLessThanOrEqual(Z * se[i] + 1e-9));
}

const backends: [BackendName, wg.DType][] = [
  ['js', 'float64'],
  ['wasm', 'float32'],
];

for (const [backend, dtype] of backends) {
  describe(`sampling moments on ${backend} (${dtype})`, () => {
    const t = (v: number[]) => wg.tensor(v, { dtype });
    const run = (fn: () => void) => on(backend, () => wg.tidy(fn));

    it('Normal: mean loc, variance scale^2', () =>
      run(() => {
        wg.seed(1);
        const loc = [1, -2, 0];
        const scale = [0.5, 3, 1];
        const x = new D.Normal(t(loc), t(scale)).sample([N]);
        expect(x.shape).toEqual([N, 3]);
        const { mean, variance } = moments(x);
        within(
          mean,
          loc,
          scale.map((s) => s / Math.sqrt(N)),
          'mean',
        );
        // Var(sample variance) = (mu4 - sigma^4) / n = 2 sigma^4 / n for a normal.
        within(
          variance,
          scale.map((s) => s * s),
          scale.map((s) => s * s * Math.sqrt(2 / N)),
          'variance',
        );
      }));

    it('Uniform: mean (a + b) / 2, variance (b - a)^2 / 12, all draws in [a, b)', () =>
      run(() => {
        wg.seed(2);
        const low = [0, -3];
        const high = [1, 5];
        const x = new D.Uniform(t(low), t(high)).sample([N]);
        const d = x.dataSync();
        let outside = 0;
        for (let i = 0; i < d.length; i++) if (!(d[i] >= low[i % 2] && d[i] < high[i % 2])) outside++;
        expect(outside).toBe(0);
        const { mean, variance } = moments(x);
        const w = low.map((l, i) => high[i] - l);
        within(
          mean,
          w.map((wi, i) => low[i] + wi / 2),
          w.map((wi) => wi / Math.sqrt(12 * N)),
          'mean',
        );
        // mu4 = w^4 / 80 for a uniform of width w.
        within(
          variance,
          w.map((wi) => (wi * wi) / 12),
          w.map((wi) => Math.sqrt((wi ** 4 / 80 - ((wi * wi) / 12) ** 2) / N)),
          'variance',
        );
      }));

    it('Bernoulli: frequency of ones within 5 standard errors of p, values 0 and 1 in the dtype of probs', () =>
      run(() => {
        wg.seed(3);
        const p = [0.05, 0.5, 0.9, 0, 1];
        const x = new D.Bernoulli({ probs: t(p) }).sample([N]);
        expect(x.dtype).toBe(dtype);
        expect(new Set(x.dataSync())).toEqual(new Set([0, 1]));
        const { mean } = moments(x);
        // p = 0 and p = 1 have standard error 0: exactly never and always.
        within(
          mean,
          p,
          p.map((q) => Math.sqrt((q * (1 - q)) / N)),
          'frequency',
        );
      }));

    it('Categorical: frequencies pass a chi-square test (3 dof, 1e-4 level) per batch row; a zero-probability category is never drawn', () =>
      run(() => {
        wg.seed(4);
        const probs = [
          [0.1, 0.2, 0.3, 0.4],
          [0.5, 0, 0.25, 0.25],
        ];
        const x = new D.Categorical({ probs: wg.tensor(probs, { dtype }) }).sample([N]);
        expect(x.dtype).toBe('int32');
        expect(x.shape).toEqual([N, 2]);
        const d = x.dataSync();
        probs.forEach((row, r) => {
          const counts = new Array(4).fill(0);
          for (let i = 0; i < N; i++) counts[d[i * 2 + r]]++;
          let chi2 = 0;
          row.forEach((q, k) => {
            if (q > 0) chi2 += (counts[k] - N * q) ** 2 / (N * q);
            else expect(counts[k], `row ${r}: category ${k} has probability 0`).toBe(0);
          });
          // The 0.9999 quantile of chi-square with 3 degrees of freedom is 21.11 (2 for the row with a zero).
          expect(chi2, `row ${r}: chi-square ${chi2} (counts ${counts})`).toBeLessThan(row.includes(0) ? 18.42 : 21.11);
        });
      }));

    it('MultivariateNormal: sample mean loc and sample covariance Sigma', () =>
      run(() => {
        wg.seed(5);
        const loc = [1, 0, -1];
        const S = [
          [2, 0.6, -0.4],
          [0.6, 1, 0.3],
          [-0.4, 0.3, 0.5],
        ];
        const x = new D.MultivariateNormal(t(loc), { covarianceMatrix: wg.tensor(S, { dtype }) }).sample([N]);
        expect(x.shape).toEqual([N, 3]);
        const d = x.dataSync();
        const { mean } = moments(x);
        within(
          mean,
          loc,
          S.map((r, i) => Math.sqrt(r[i] / N)),
          'mean',
        );
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            let c = 0;
            for (let s = 0; s < N; s++) c += ((d[s * 3 + i] - mean[i]) * (d[s * 3 + j] - mean[j])) / N;
            // For a normal, Var(x_i x_j) = S_ii S_jj + S_ij^2.
            within([c], [S[i][j]], [Math.sqrt((S[i][i] * S[j][j] + S[i][j] ** 2) / N)], `covariance[${i}][${j}]`);
          }
        }
      }));
  });
}

describe('seeding', () => {
  const make = (): D.Distribution[] => [
    new D.Normal(wg.tensor([0, 1]), 2),
    new D.Uniform(-1, wg.tensor([1, 2, 3])),
    new D.Bernoulli({ probs: wg.tensor([0.3, 0.6]) }),
    new D.Categorical({
      logits: wg.tensor([
        [0, 1, 2],
        [2, 1, 0],
      ]),
    }),
    new D.MultivariateNormal(wg.tensor([0, 0]), {
      scaleTril: wg.tensor([
        [1, 0],
        [0.5, 2],
      ]),
    }),
  ];

  for (const backend of ['js', 'wasm'] as BackendName[]) {
    it(`two runs after wg.seed(n) give identical samples, and another seed different ones, on ${backend}`, () =>
      on(backend, () =>
        wg.tidy(() => {
          const draw = (seed: number) => {
            wg.seed(seed);
            return make().map((d) => Array.from(d.sample([50]).dataSync()));
          };
          const a = draw(42);
          const b = draw(42);
          const c = draw(43);
          a.forEach((s, i) => {
            expect(s, `distribution ${i}`).toEqual(b[i]);
            expect(s, `distribution ${i}`).not.toEqual(c[i]);
          });
        }),
      ));
  }
});

describe('rsample gradients (reparameterisation, js backend, float64)', () => {
  const f64 = (v: number | number[] | number[][]) => wg.tensor(v as number[], { dtype: 'float64', requiresGrad: true });
  const run = (fn: () => void) => on('js', () => wg.tidy(fn));

  it('Normal: d/dloc and d/dscale of E[x^2] = loc^2 + scale^2 are 2 loc and 2 scale', () =>
    run(() => {
      wg.seed(10);
      const [gl, gs] = wg.grads((loc, scale) => new D.Normal(loc, scale).rsample([N]).square().mean(0).sum())(f64([1.5, -0.5]), f64([2, 0.5]));
      // The estimators are 2 loc + 2 scale mean(eps) and 2 loc mean(eps) + 2 scale mean(eps^2).
      within(
        Array.from(gl.dataSync()),
        [3, -1],
        [4, 1].map((v) => v / Math.sqrt(N)),
        'd/dloc',
      );
      within(
        Array.from(gs.dataSync()),
        [4, 1],
        [2 * 1.5 + 2 * 2 * Math.SQRT2, 2 * 0.5 + 2 * 0.5 * Math.SQRT2].map((v) => v / Math.sqrt(N)),
        'd/dscale',
      );
    }));

  it('Normal: d/dloc of the mean of draws is exactly 1 (the path derivative)', () =>
    run(() => {
      const g = wg.grad((loc) => new D.Normal(loc, 3).rsample([7]).mean())(f64(0.3));
      expect(g.item()).toBeCloseTo(1, 12);
    }));

  it('Uniform: d/dlow and d/dhigh of E[x^2] = (h^2 + h l + l^2) / 3 are (2l + h) / 3 and (l + 2h) / 3', () =>
    run(() => {
      wg.seed(11);
      const [l, h] = [-1, 2];
      const [gl, gh] = wg.grads((lo, hi) => new D.Uniform(lo, hi).rsample([N]).square().mean())(f64(l), f64(h));
      // Each estimator averages 2 x (1 - u) or 2 x u, bounded by 2 max|x| = 4.
      within([gl.item(), gh.item()], [(2 * l + h) / 3, (l + 2 * h) / 3], [4 / Math.sqrt(N), 4 / Math.sqrt(N)], 'd/d(low, high)');
    }));

  it('MultivariateNormal: d/dloc E|x|^2 = 2 loc, and d/dSigma E|x|^2 = d/dSigma tr(Sigma) = I through the Cholesky factor', () =>
    run(() => {
      wg.seed(12);
      const loc = [0.5, -1, 2];
      const S = [
        [2, 0.6, -0.4],
        [0.6, 1, 0.3],
        [-0.4, 0.3, 0.5],
      ];
      const [gl, gS] = wg.grads((m, cov) => new D.MultivariateNormal(m, { covarianceMatrix: cov }).rsample([N]).square().sum(-1).mean())(f64(loc), f64(S));
      within(
        Array.from(gl.dataSync()),
        loc.map((v) => 2 * v),
        [2, 2, 2].map((v) => (v * Math.sqrt(2)) / Math.sqrt(N)),
        'd/dloc',
      );
      // The Sigma estimator's noise is a few times |L| / sqrt(N) ~ 0.01; 0.05 is 5 of those.
      Array.from(gS.dataSync()).forEach((v, i) => expect(Math.abs(v - (i % 4 === 0 ? 1 : 0)), `d/dSigma flat ${i}: ${v}`).toBeLessThan(0.05));
    }));

  it('sample() is outside the graph; rsample() is in it', () =>
    run(() => {
      const loc = f64([0, 1]);
      const d = new D.Normal(loc, 1);
      expect(d.sample([3]).requiresGrad).toBe(false);
      expect(d.rsample([3]).requiresGrad).toBe(true);
      expect(d.hasRsample).toBe(true);
      const b = new D.Bernoulli({ probs: wg.tensor([0.5], { requiresGrad: true }) });
      expect(b.hasRsample).toBe(false);
      expect(b.sample().requiresGrad).toBe(false);
    }));
});
