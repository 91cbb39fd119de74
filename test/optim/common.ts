// Shared by the optimizer tests: the committed torch fixtures, the fixed
// problem (the loss generate_optim.py defines) and a training loop.
import { readFileSync } from 'node:fs';
import * as optim from '../../src/optim/index.js';
import { wg } from '../helpers/index.js';

export { optim };

export interface Enc {
  shape: number[];
  data: number[];
}
export interface OptimizerCase {
  name: string;
  optimizer: 'SGD' | 'Adagrad' | 'RMSprop' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  groups: Record<string, unknown>[] | null;
  losses: number[];
  params: number[][];
  f32_dev: number;
}
export interface SchedulerCase {
  name: string;
  scheduler: 'StepLR' | 'ExponentialLR' | 'CosineAnnealingLR' | 'ReduceLROnPlateau';
  args: number[];
  options: Record<string, unknown>;
  lrs: number[][];
  metrics?: number[];
}
export interface ClipCase {
  normType: number | 'inf';
  maxNorm: number;
  total: number;
  clipped: number[][];
}

export const fx = JSON.parse(readFileSync(new URL('../fixtures/optim.json', import.meta.url), 'utf8')) as {
  steps: number;
  problem: { W: Enc; x: Enc; t: Enc };
  optimizers: OptimizerCase[];
  schedulers: SchedulerCase[];
  clip: { grads: Enc[]; cases: ClipCase[] };
};

export const OPTIMIZERS = { SGD: optim.SGD, Adagrad: optim.Adagrad, RMSprop: optim.RMSprop, Adam: optim.Adam, AdamW: optim.AdamW };

/** Fresh parameters W [3,4] and x [4] and the target t, in `dtype` on the current backend. */
export function problem(dtype: wg.DType) {
  const { W, x, t } = fx.problem;
  return {
    W: wg.tensor(W.data, { shape: W.shape, dtype, requiresGrad: true }),
    x: wg.tensor(x.data, { shape: x.shape, dtype, requiresGrad: true }),
    t: wg.tensor(t.data, { shape: t.shape, dtype }),
  };
}

/** sum((W x - t)^2) + 0.1 sum(x^4) + sum(sigmoid(W)), as in generate_optim.py. */
export function loss(W: wg.Tensor, x: wg.Tensor, t: wg.Tensor): wg.Tensor {
  return W.matmul(x).sub(t).square().sum().add(x.pow(4).sum().mul(0.1)).add(W.sigmoid().sum());
}

/** The optimizer of a fixture case over [W, x] (one group per parameter when the case has groups). */
export function makeOptimizer(c: OptimizerCase, params: wg.Tensor[], options: Record<string, unknown> | undefined = c.options): optim.Optimizer<any> {
  const Ctor = OPTIMIZERS[c.optimizer] as unknown as new (p: unknown, o?: unknown) => optim.Optimizer<any>;
  const input = c.groups ? c.groups.map((g, i) => ({ params: [params[i]], ...(options === c.options ? g : {}) })) : params;
  return new Ctor(input, options);
}

/** One training step: zeroGrad, backward, step; returns the loss before the step. */
export function trainStep(opt: optim.Optimizer<any>, W: wg.Tensor, x: wg.Tensor, t: wg.Tensor): number {
  opt.zeroGrad();
  const value = wg.tidy(() => {
    const l = loss(W, x, t);
    l.backward();
    return l.item();
  });
  opt.step();
  return value;
}

/** [W, x] flattened into one array, as the fixture stores them. */
export function flat(W: wg.Tensor, x: wg.Tensor): number[] {
  return [...Array.from(W.dataSync()), ...Array.from(x.dataSync())];
}

/** An SGD over two groups (lr 0.1 and 0.05), as the scheduler fixtures use. */
export function twoGroups(): optim.SGD {
  return new optim.SGD([
    { params: [wg.zeros([1], { requiresGrad: true })], lr: 0.1 },
    { params: [wg.zeros([1], { requiresGrad: true })], lr: 0.05 },
  ]);
}

/** The scheduler of a fixture case. */
export function makeScheduler(c: SchedulerCase, opt: optim.Optimizer<any>) {
  switch (c.scheduler) {
    case 'StepLR':
      return new optim.StepLR(opt, c.args[0], c.options);
    case 'ExponentialLR':
      return new optim.ExponentialLR(opt, c.args[0]);
    case 'CosineAnnealingLR':
      return new optim.CosineAnnealingLR(opt, c.args[0], c.options);
    case 'ReduceLROnPlateau':
      return new optim.ReduceLROnPlateau(opt, c.options);
  }
}
