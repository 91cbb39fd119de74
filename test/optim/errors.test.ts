// Bad hyper-parameters and parameters: ArgumentError (DTypeError for a dtype)
// naming the optimizer or scheduler and the value, like torch's ValueErrors.
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackends, wg } from '../helpers/index.js';
import { optim } from './common.js';

beforeAll(setupBackends);

const param = () => wg.zeros([2], { requiresGrad: true });

describe('optimizer hyper-parameters', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['negative lr', () => new optim.SGD([param()], { lr: -0.1 }), /^SGD: invalid learning rate: -0\.1$/],
    ['NaN lr', () => new optim.Adam([param()], { lr: Number.NaN }), /^Adam: invalid learning rate: NaN$/],
    ['negative momentum', () => new optim.SGD([param()], { lr: 0.1, momentum: -1 }), /^SGD: invalid momentum value: -1$/],
    ['negative weightDecay', () => new optim.AdamW([param()], { weightDecay: -0.01 }), /^AdamW: invalid weightDecay value: -0\.01$/],
    [
      'nesterov without momentum',
      () => new optim.SGD([param()], { lr: 0.1, nesterov: true }),
      /^SGD: Nesterov momentum requires a momentum and zero dampening/,
    ],
    [
      'nesterov with dampening',
      () => new optim.SGD([param()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
      /SGD: Nesterov momentum requires .*dampening 0\.1/,
    ],
    ['beta1 = 1', () => new optim.Adam([param()], { betas: [1, 0.999] }), /^Adam: invalid beta parameter at index 0: 1$/],
    ['negative beta2', () => new optim.AdamW([param()], { betas: [0.9, -0.5] }), /^AdamW: invalid beta parameter at index 1: -0\.5$/],
    ['betas not a pair', () => new optim.Adam([param()], { betas: [0.9] as never }), /^Adam: betas must be a pair/],
    ['negative eps', () => new optim.Adam([param()], { eps: -1e-8 }), /^Adam: invalid epsilon value: -1e-8$/],
    ['negative lrDecay', () => new optim.Adagrad([param()], { lrDecay: -1 }), /^Adagrad: invalid lrDecay value: -1$/],
    [
      'negative initialAccumulatorValue',
      () => new optim.Adagrad([param()], { initialAccumulatorValue: -1 }),
      /^Adagrad: invalid initialAccumulatorValue value: -1$/,
    ],
    ['negative alpha', () => new optim.RMSprop([param()], { alpha: -0.5 }), /^RMSprop: invalid alpha value: -0\.5$/],
    ['non-boolean flag', () => new optim.RMSprop([param()], { centered: 1 as never }), /^RMSprop: centered must be true or false, got 1$/],
    ['unknown option', () => new optim.Adam([param()], { weight_decay: 0.1 } as never), /^Adam: unknown option 'weight_decay'$/],
    ['bad group override', () => new optim.SGD([{ params: [param()], lr: -1 }], { lr: 0.1 }), /^SGD: invalid learning rate: -1$/],
    ['unknown group option', () => new optim.SGD([{ params: [param()], betas: [0.9, 0.9] } as never]), /^SGD: unknown option 'betas'$/],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => {
      expect(make).toThrow(wg.ArgumentError);
      expect(make).toThrow(message);
    });
  }
});

describe('optimizer parameters', () => {
  it('rejects an empty list, non-tensors, non-leaves, integer tensors and duplicates', () => {
    const p = param();
    expect(() => new optim.SGD([])).toThrow(/^SGD: got an empty parameter list$/);
    expect(() => new optim.SGD(p as never)).toThrow(/SGD: params must be an array/);
    expect(() => new optim.Adam([p, 3 as never])).toThrow(/Adam: can only optimize tensors, but parameter 1 of group 0 is 3/);
    expect(() => new optim.Adam([p.mul(2)])).toThrow(/Adam: can't optimize a non-leaf tensor/);
    expect(() => new optim.Adam([wg.zeros([2], { dtype: 'int32' })])).toThrow(wg.DTypeError);
    expect(() => new optim.Adam([p, p])).toThrow(/Adam: some parameters appear more than once/);
    expect(() => new optim.Adam([{ params: [p] }, { params: [p] }])).toThrow(/parameter 0 of group 1/);
    const d = param();
    d.dispose();
    expect(() => new optim.Adam([d])).toThrow(wg.DisposedError);
  });

  it('rejects a gradient of the wrong shape at step', () => {
    const p = param();
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.grad = wg.zeros([3]);
    expect(() => opt.step()).toThrow(wg.ShapeError);
    expect(() => opt.step()).toThrow(/SGD\.step: a gradient of shape \[3\] for a parameter of shape \[2\]/);
  });

  it('in-place updates need noGrad, which step provides', () => {
    const p = param();
    expect(() => p.sub_(1)).toThrow(/wrap the update in wg.noGrad/);
    p.grad = wg.onesLike(p);
    new optim.SGD([p], { lr: 0.5 }).step();
    expect(p.toArray()).toEqual([-0.5, -0.5]);
  });
});

describe('scheduler arguments', () => {
  const opt = () => new optim.SGD([param()], { lr: 0.1 });
  const cases: [string, () => unknown, RegExp][] = [
    ['not an optimizer', () => new optim.StepLR({} as never, 2), /^StepLR: expected an optimizer, got Object$/],
    ['stepSize 0', () => new optim.StepLR(opt(), 0), /^StepLR: invalid stepSize: 0 \(expected an integer >= 1\)$/],
    ['NaN gamma', () => new optim.ExponentialLR(opt(), Number.NaN), /^ExponentialLR: invalid gamma: NaN$/],
    ['tMax 0', () => new optim.CosineAnnealingLR(opt(), 0), /^CosineAnnealingLR: invalid tMax: 0/],
    ['factor 1', () => new optim.ReduceLROnPlateau(opt(), { factor: 1 }), /^ReduceLROnPlateau: factor should be < 1\.0, got 1$/],
    ['unknown mode', () => new optim.ReduceLROnPlateau(opt(), { mode: 'low' as never }), /^ReduceLROnPlateau: mode 'low' is unknown/],
    ['unknown threshold mode', () => new optim.ReduceLROnPlateau(opt(), { thresholdMode: 'x' as never }), /^ReduceLROnPlateau: threshold mode 'x' is unknown/],
    [
      'minLr per group of the wrong length',
      () => new optim.ReduceLROnPlateau(opt(), { minLr: [0, 0] }),
      /expected 1 minLr values \(one per parameter group\), got 2/,
    ],
    ['negative patience', () => new optim.ReduceLROnPlateau(opt(), { patience: -1 }), /^ReduceLROnPlateau: invalid patience: -1/],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => {
      expect(make).toThrow(wg.ArgumentError);
      expect(make).toThrow(message);
    });
  }
});

describe('clipGradNorm arguments', () => {
  it('rejects bad norm types and maxNorm, skips parameters without gradients, and can refuse non-finite norms', () => {
    const p = param();
    expect(() => optim.clipGradNorm([p], 1, 0)).toThrow(/clipGradNorm: invalid normType: 0/);
    expect(() => optim.clipGradNorm([p], -1)).toThrow(/clipGradNorm: invalid maxNorm: -1/);
    expect(optim.clipGradNorm([p], 1)).toBe(0);
    p.grad = wg.tensor([3, 4]);
    const q = param();
    expect(optim.clipGradNorm([p, q], 1, 'inf')).toBe(4);
    expect(q.grad).toBeNull();
    p.grad = wg.tensor([Number.POSITIVE_INFINITY, 1]);
    expect(() => optim.clipGradNorm(p, 1, 2, { errorIfNonfinite: true })).toThrow(/total norm of order 2 of the gradients is Infinity/);
  });
});
