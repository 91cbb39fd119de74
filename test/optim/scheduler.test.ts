// Scheduler state dicts (a fresh scheduler continues the sequence) and the
// recursive form composing with manual changes to group.lr, as in torch.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, setupBackends, wg } from '../helpers/index.js';
import { fx, makeScheduler, optim, twoGroups } from './common.js';

beforeAll(setupBackends);

describe('scheduler state dicts', () => {
  for (const c of fx.schedulers) {
    it(`a fresh ${c.name} continues from a state dict`, () => {
      const half = Math.floor((c.lrs.length - 1) / 2);
      const optA = twoGroups();
      const a = makeScheduler(c, optA);
      const stepA = (i: number) => (a instanceof optim.ReduceLROnPlateau ? a.step(c.metrics![i]) : a.step());
      for (let i = 0; i < half; i++) stepA(i);
      const sd = a.stateDict();
      // A checkpoint: the optimizer's groups (with their current lr) and the scheduler's state.
      const optB = twoGroups();
      optB.loadStateDict(optA.stateDict());
      const plain = JSON.parse(JSON.stringify({ ...c, options: { ...c.options, minLr: undefined, mode: undefined } }));
      const b = makeScheduler(plain, optB);
      b.loadStateDict(
        JSON.parse(
          JSON.stringify(sd, (_, v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v)),
          (_, v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v),
        ),
      );
      expect(b.stateDict()).toEqual(sd);
      for (let i = half; i < c.lrs.length - 1; i++) {
        stepA(i);
        if (b instanceof optim.ReduceLROnPlateau) b.step(c.metrics![i]);
        else b.step();
        expect(b.getLastLr()).toEqual(a.getLastLr());
        expectClose(
          optB.paramGroups.map((g) => g.lr),
          c.lrs[i + 1],
          { rtol: 1e-12, atol: 1e-15 },
          `${c.name} step ${i + 1}`,
        );
      }
    });
  }

  it('rejects state dicts of another scheduler or another number of groups', () => {
    const opt = twoGroups();
    const step = new optim.StepLR(opt, 2);
    const cos = new optim.CosineAnnealingLR(opt, 5);
    expect(() => cos.loadStateDict(step.stateDict())).toThrow(/^CosineAnnealingLR\.loadStateDict: the state dict lacks 'tMax'$/);
    const one = new optim.StepLR(new optim.SGD([wg.zeros([1], { requiresGrad: true })], { lr: 1 }), 2);
    expect(() => one.loadStateDict(step.stateDict())).toThrow(/StepLR\.loadStateDict: 'baseLrs' has 2 entries, the optimizer has 1 parameter groups/);
    expect(() => step.loadStateDict({ ...step.stateDict(), gamma: 'x' })).toThrow(/'gamma' must be a number/);
  });
});

describe('schedulers and the optimizer', () => {
  it('records initialLr in the groups and keeps baseLrs from it', () => {
    const opt = twoGroups();
    const s = new optim.ExponentialLR(opt, 0.5);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.05]);
    s.step();
    expect(s.baseLrs).toEqual([0.1, 0.05]);
    expect(s.lastEpoch).toBe(1);
    expect(s.getLastLr()).toEqual([0.05, 0.025]);
  });

  it('the recursive form builds on a rate changed by hand (as torch does)', () => {
    const opt = twoGroups();
    const s = new optim.StepLR(opt, 2, { gamma: 0.5 });
    s.step();
    opt.paramGroups[0].lr = 1;
    s.step();
    expect(s.getLastLr()).toEqual([0.5, 0.025]);
  });

  it('ReduceLROnPlateau takes a one-element tensor as the metric', () => {
    const opt = twoGroups();
    const s = new optim.ReduceLROnPlateau(opt, { patience: 0 });
    s.step(wg.tensor(1));
    s.step(wg.tensor([2]));
    expect(s.getLastLr()).toEqual([0.010000000000000002, 0.005000000000000001]);
    expect(() => s.step(wg.tensor([1, 2]))).toThrow(wg.ShapeError);
  });
});
