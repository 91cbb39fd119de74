// Every differentiable op: gradcheck of order 1 and 2 in float64 on the js
// backend (finite differences and the <t, vjp(c)> = <jvp(t), c> identity).
import { beforeAll, describe, expect, it } from 'vitest';
import { on, setupBackends, wg } from '../helpers/index.js';
import { GRAD_CASES, makeInputs } from './cases.js';

beforeAll(setupBackends);

describe('gradcheck, float64, js backend', () => {
  for (const c of GRAD_CASES) {
    for (const order of c.order1Only ? [1] : ([1, 2] as const)) {
      it(`${c.name}, order ${order}`, () => {
        on('js', () =>
          wg.tidy(() => {
            const xs = makeInputs(c);
            const diff = xs.map((x, i) => (x.dtype === 'int32' ? null : i)).filter((i) => i !== null) as number[];
            // gradcheck differentiates with respect to the float inputs; int inputs are held fixed.
            const f = (...ys: wg.Tensor[]) => {
              const args = xs.slice();
              diff.forEach((i, k) => (args[i] = ys[k]));
              return c.f(...args);
            };
            const report = wg.gradcheck(
              f,
              diff.map((i) => xs[i]),
              { order, ...c.check },
            );
            expect(report.ok).toBe(true);
            expect(report.entries.length).toBeGreaterThan(diff.length);
          }),
        );
      });
    }
  }

  it('gradcheck catches a wrong gradient rule', () => {
    on('js', () =>
      wg.tidy(() => {
        const wrong = wg.customGrad(
          (x) => x.sin(),
          (g, { inputs: [x] }) => g.mul(x.cos()).mul(1.01),
        );
        const x = wg.tensor([0.3, -0.4], { dtype: 'float64' });
        expect(() => wg.gradcheck(wrong, [x])).toThrow(wg.GradcheckError);
        try {
          wg.gradcheck(wrong, [x]);
        } catch (e) {
          const r = (e as wg.GradcheckError).report;
          expect(r.ok).toBe(false);
          expect(r.entries.some((en) => !en.ok && en.check.includes('finite differences'))).toBe(true);
        }
        // A rule that is right in value but not differentiable again fails at order 2.
        const flat = wg.customGrad(
          (x) => x.sin(),
          (g, { inputs: [x] }) => g.mul(x.detach().cos()),
        );
        expect(wg.gradcheck(flat, [x]).ok).toBe(true);
        expect(() => wg.gradcheck(flat, [x], { order: 2 })).toThrow(wg.GradcheckError);
      }),
    );
  });
});
