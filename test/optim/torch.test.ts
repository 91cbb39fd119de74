// Optimizer trajectories, scheduler learning rates and gradient clipping
// against torch.optim (committed fixtures, test/fixtures/generate_optim.py):
// on the js backend in float64 and on the wasm backend in float32.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../../src/engine/backend.js';
import { expectClose, FAST_BACKENDS, on, setupBackends, wg } from '../helpers/index.js';
import { type ClipCase, flat, fx, makeOptimizer, makeScheduler, optim, problem, trainStep, twoGroups } from './common.js';

beforeAll(setupBackends);

// float64 runs the same arithmetic as torch, so it agrees to rounding; float32
// strays from the float64 trajectory about as far as torch's own float32 run does (f32_dev < 4e-5).
const settings: [BackendName, wg.DType, number, number][] = [
  ['js', 'float64', 1e-9, 1e-12],
  ...FAST_BACKENDS.map((b) => [b, 'float32', 1e-4, 1e-6] as [BackendName, wg.DType, number, number]),
];

for (const [backend, dtype, rtol, atol] of settings) {
  describe(`optimizer trajectories against torch on ${backend} (${dtype})`, () => {
    for (const c of fx.optimizers) {
      it(c.name, () => {
        on(backend, () =>
          wg.tidy(() => {
            const { W, x, t } = problem(dtype);
            const opt = makeOptimizer(c, [W, x]);
            for (let s = 0; s < fx.steps; s++) {
              const value = trainStep(opt, W, x, t);
              expectClose([value], [c.losses[s]], { rtol, atol }, `${c.name}: loss before step ${s + 1}`);
              expectClose(flat(W, x), c.params[s], { rtol, atol }, `${c.name}: parameters after step ${s + 1}`);
            }
            opt.dispose();
          }),
        );
      });
    }
  });

  describe(`clipGradNorm against torch on ${backend} (${dtype})`, () => {
    const name = (c: ClipCase) => `normType ${c.normType}, maxNorm ${c.maxNorm}`;
    for (const c of fx.clip.cases) {
      it(name(c), () => {
        on(backend, () =>
          wg.tidy(() => {
            const ps = fx.clip.grads.map((g) => wg.zeros(g.shape, { dtype, requiresGrad: true }));
            ps.forEach((p, i) => {
              p.grad = wg.tensor(fx.clip.grads[i].data, { shape: fx.clip.grads[i].shape, dtype });
            });
            const normType = c.normType === 'inf' ? Infinity : c.normType;
            const total = optim.clipGradNorm(ps, c.maxNorm, normType);
            expectClose([total], [c.total], { rtol, atol }, `${name(c)}: total norm`);
            ps.forEach((p, i) => expectClose(p.grad!.dataSync(), c.clipped[i], { rtol, atol }, `${name(c)}: gradient ${i}`));
          }),
        );
      });
    }
  });
}

describe('schedulers against torch', () => {
  for (const c of fx.schedulers) {
    it(c.name, () => {
      on('js', () => {
        const opt = twoGroups();
        const sched = makeScheduler(c, opt);
        const lrs = [sched.getLastLr()];
        for (let i = 0; i < c.lrs.length - 1; i++) {
          opt.step();
          if (sched instanceof optim.ReduceLROnPlateau) sched.step(c.metrics![i]);
          else sched.step();
          lrs.push(sched.getLastLr());
          expect(opt.paramGroups.map((g) => g.lr)).toEqual(lrs[i + 1]);
        }
        // Math.cos may differ from libm's cos by an ulp; everything else is exact.
        expectClose(lrs.flat(), c.lrs.flat(), { rtol: 1e-12, atol: 1e-15 }, c.name);
      });
    });
  }
});
