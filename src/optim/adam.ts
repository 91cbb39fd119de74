// Adam: torch.optim.Adam's algorithm with bias correction and AMSGrad. The
// shared AdamBase also runs AdamW (adamw.ts), whose weight decay is decoupled:
// p *= 1 - lr * weightDecay before the Adam step, instead of adding
// weightDecay * p to the gradient.
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { maximum } from '../ops/binary.js';
import { zerosLike } from '../ops/creation.js';
import { effectiveGrad, lerp_ } from './functional.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { checkBetas, checkBool, checkCommon } from './validate.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

export type AdamGroup = Required<AdamOptions>;

export abstract class AdamBase extends Optimizer<AdamGroup> {
  /** AdamW's decay of the parameters, rather than an L2 term in the gradient. */
  protected abstract readonly decoupled: boolean;

  protected validate(g: AdamGroup): void {
    checkCommon(this.name, g);
    checkBetas(this.name, g.betas);
    checkBool(this.name, 'amsgrad', g.amsgrad);
  }

  protected initState(p: Tensor, g: ParamGroup<AdamGroup>): ParamState {
    const st: ParamState = { step: 0, expAvg: ENGINE.keep(zerosLike(p)), expAvgSq: ENGINE.keep(zerosLike(p)) };
    if (g.amsgrad) st.maxExpAvgSq = ENGINE.keep(zerosLike(p));
    return st;
  }

  protected requiredState(g: ParamGroup<AdamGroup>): string[] {
    return ['step', 'expAvg', 'expAvgSq', ...(g.amsgrad ? ['maxExpAvgSq'] : [])];
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<AdamGroup>, state: ParamState): void {
    const step = (state.step as number) + 1;
    state.step = step;
    const [beta1, beta2] = g.betas;
    if (this.decoupled && g.weightDecay !== 0) p.mul_(1 - g.lr * g.weightDecay);
    const d = effectiveGrad(p, grad, g.maximize, this.decoupled ? 0 : g.weightDecay);
    const expAvg = lerp_(state.expAvg as Tensor, d, 1 - beta1);
    const expAvgSq = (state.expAvgSq as Tensor).mul_(beta2).add_(d.mul(d).mul(1 - beta2));
    const stepSize = g.lr / (1 - beta1 ** step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    let second = expAvgSq;
    if (g.amsgrad) {
      const max = state.maxExpAvgSq as Tensor;
      second = max.copy_(maximum(max, expAvgSq));
    }
    const denom = second.sqrt().div(bc2Sqrt).add(g.eps);
    p.add_(expAvg.div(denom).mul(-stepSize));
  }
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamGroup>, options?: AdamOptions) {
    super('Adam', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false }, options);
  }
}
