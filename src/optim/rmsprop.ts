// RMSprop: torch.optim.RMSprop's algorithm (eps added outside the square root;
// centered subtracts the squared running mean of the gradient; momentum keeps a
// buffer of the normalised gradients).
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { zerosLike } from '../ops/creation.js';
import { effectiveGrad, lerp_ } from './functional.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { checkBool, checkCommon, checkMin } from './validate.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

type RMSpropGroup = Required<RMSpropOptions>;

export class RMSprop extends Optimizer<RMSpropGroup> {
  constructor(params: ParamsInput<RMSpropGroup>, options?: RMSpropOptions) {
    super('RMSprop', params, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, options);
  }

  protected validate(g: RMSpropGroup): void {
    checkCommon(this.name, g);
    checkMin(this.name, 'momentum value', g.momentum);
    checkMin(this.name, 'alpha value', g.alpha);
    checkBool(this.name, 'centered', g.centered);
  }

  protected initState(p: Tensor, g: ParamGroup<RMSpropGroup>): ParamState {
    const st: ParamState = { step: 0, squareAvg: ENGINE.keep(zerosLike(p)) };
    if (g.momentum > 0) st.momentumBuffer = ENGINE.keep(zerosLike(p));
    if (g.centered) st.gradAvg = ENGINE.keep(zerosLike(p));
    return st;
  }

  protected requiredState(g: ParamGroup<RMSpropGroup>): string[] {
    return ['step', 'squareAvg', ...(g.momentum > 0 ? ['momentumBuffer'] : []), ...(g.centered ? ['gradAvg'] : [])];
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<RMSpropGroup>, state: ParamState): void {
    state.step = (state.step as number) + 1;
    const d = effectiveGrad(p, grad, g.maximize, g.weightDecay);
    const squareAvg = (state.squareAvg as Tensor).mul_(g.alpha).add_(d.mul(d).mul(1 - g.alpha));
    let avg: Tensor;
    if (g.centered) {
      const gradAvg = lerp_(state.gradAvg as Tensor, d, 1 - g.alpha);
      avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
    } else avg = squareAvg.sqrt();
    avg = avg.add(g.eps);
    if (g.momentum > 0) {
      const buf = (state.momentumBuffer as Tensor).mul_(g.momentum).add_(d.div(avg));
      p.add_(buf.mul(-g.lr));
    } else p.add_(d.div(avg).mul(-g.lr));
  }
}
