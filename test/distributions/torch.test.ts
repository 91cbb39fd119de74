// Every distribution against torch.distributions (committed fixture, see
// fixtures.ts): logProb, entropy, mean, variance, stddev and the derived
// parameters, and the vector-Jacobian products of logProb and entropy with
// respect to the parameters (and the value, for continuous distributions), and
// the KL divergences with their VJPs. On the js backend in float64 against
// torch's float64 run, and on wasm in float32 against torch's float32 run.
import { beforeAll, describe, expect, it } from 'vitest';
import * as D from '../../src/distributions/index.js';
import type { BackendName } from '../../src/engine/backend.js';
import { expectClose, on, setupBackends, type Tol, wg } from '../helpers/index.js';
import { type Arr, build, type Expected, fx, isNumber, makeParams } from './fixtures.js';

beforeAll(setupBackends);

// Everything passes at a tenth of these (float64: rtol 1e-12; float32: 2e-5);
// the margin allows for other rounding (wg.linalg's Cholesky and solves against
// LAPACK's, the relaxed-SIMD build's fused multiply-adds).
const F64: Tol = { rtol: 1e-10, atol: 1e-12 };
const F32: Tol = { rtol: 1e-4, atol: 1e-5 };
const settings: [BackendName, wg.DType, 'f64' | 'f32', Tol][] = [
  ['js', 'float64', 'f64', F64],
  ['wasm', 'float32', 'f32', F32],
];

function check(t: wg.Tensor, e: Arr, tol: Tol, what: string): void {
  expect(t.shape, `${what}: shape`).toEqual(e.shape);
  expectClose(t.dataSync(), e.data, tol, what);
}

for (const [backend, dtype, key, tol0] of settings) {
  describe(`distributions against torch on ${backend} (${dtype})`, () => {
    for (const c of fx.cases) {
      // Parameters that are all numbers make a float32 distribution in torch and here, whatever the run.
      const tol = Object.values(c.params).every(isNumber) ? F32 : tol0;
      const e: Expected = c[key];
      const value = () => wg.tensor(c.value.data, { shape: c.value.shape, dtype: c.dist === 'Categorical' ? 'int32' : dtype });

      it(`${c.name}: shapes, logProb, entropy and moments`, () => {
        on(backend, () =>
          wg.tidy(() => {
            const d = build(c.dist, makeParams(c.params, dtype));
            expect(d.batchShape).toEqual(c.batchShape);
            expect(d.eventShape).toEqual(c.eventShape);
            check(d.logProb(value()), e.logProb, tol, 'logProb');
            check(d.entropy(), e.entropy, tol, 'entropy');
            check(d.mean, e.mean, tol, 'mean');
            check(d.variance, e.variance, tol, 'variance');
            check(d.stddev, e.stddev, tol, 'stddev');
            const named = d as unknown as Record<string, wg.Tensor>;
            for (const k of ['probs', 'logits', 'scaleTril', 'covarianceMatrix', 'precisionMatrix'] as const) {
              if (e[k]) check(named[k], e[k], tol, k);
            }
          }),
        );
      });

      // The VJP of `fn` (logProb or entropy of the rebuilt distribution) with torch's cotangent.
      const vjpCase = (what: 'logProb' | 'entropy') => {
        const g = what === 'logProb' ? e.logProbGrad : e.entropyGrad;
        if (!g) return;
        it(`${c.name}: ${what} VJP w.r.t. ${Object.keys(g.grads).join(', ')}`, () => {
          on(backend, () =>
            wg.tidy(() => {
              const ps = makeParams(c.params, dtype);
              const names = Object.keys(g.grads);
              const v = value();
              const primals = names.map((n) => (n === 'value' ? v : (ps[n] as wg.Tensor)));
              const f = (...xs: wg.Tensor[]) => {
                const args = { ...ps };
                names.forEach((n, i) => n !== 'value' && (args[n] = xs[i]));
                const d = build(c.dist, args);
                const vi = names.indexOf('value');
                return what === 'logProb' ? d.logProb(vi >= 0 ? xs[vi] : v) : d.entropy();
              };
              const [out, back] = wg.vjp(f, ...primals);
              const grads = back(wg.tensor(g.cotangent.data, { shape: g.cotangent.shape, dtype: out.dtype }));
              names.forEach((n, i) => check(grads[i], g.grads[n], tol, `d ${what} / d ${n}`));
            }),
          );
        });
      };
      vjpCase('logProb');
      vjpCase('entropy');
    }

    for (const c of fx.kl) {
      const e = c[key];
      it(`KL ${c.name}: values, reverse, and VJP w.r.t. both distributions' parameters`, () => {
        on(backend, () =>
          wg.tidy(() => {
            const pp = makeParams(c.p.params, dtype);
            const qp = makeParams(c.q.params, dtype);
            const p = build(c.p.dist, pp);
            const q = build(c.q.dist, qp);
            check(D.klDivergence(p, q), e.kl, tol0, 'KL(p, q)');
            check(D.klDivergence(q, p), e.klReverse, tol0, 'KL(q, p)');
            const pn = Object.keys(e.grad.p);
            const qn = Object.keys(e.grad.q);
            const f = (...xs: wg.Tensor[]) => {
              const pa = { ...pp };
              const qa = { ...qp };
              pn.forEach((n, i) => (pa[n] = xs[i]));
              qn.forEach((n, i) => (qa[n] = xs[pn.length + i]));
              return D.klDivergence(build(c.p.dist, pa), build(c.q.dist, qa));
            };
            const [out, back] = wg.vjp(f, ...pn.map((n) => pp[n] as wg.Tensor), ...qn.map((n) => qp[n] as wg.Tensor));
            const grads = back(wg.tensor(e.grad.cotangent.data, { shape: e.grad.cotangent.shape, dtype: out.dtype }));
            pn.forEach((n, i) => check(grads[i], e.grad.p[n], tol0, `d KL / d p.${n}`));
            qn.forEach((n, i) => check(grads[pn.length + i], e.grad.q[n], tol0, `d KL / d q.${n}`));
          }),
        );
      });
    }
  });
}
