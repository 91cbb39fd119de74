// Stochastic gradient descent with momentum, dampening, Nesterov momentum and
// weight decay: torch.optim.SGD's algorithm. The momentum buffer starts as a
// copy of the first gradient (not as zeros), as in PyTorch.
import { ArgumentError } from '../core/errors.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { clone } from '../ops/cast.js';
import { effectiveGrad } from './functional.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { checkBool, checkCommon, checkMin } from './validate.js';

export interface SGDOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  maximize?: boolean;
}

type SGDGroup = Required<SGDOptions>;

export class SGD extends Optimizer<SGDGroup> {
  constructor(params: ParamsInput<SGDGroup>, options?: SGDOptions) {
    // lr defaults to 1e-3 as in torch 2.x.
    super('SGD', params, { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false }, options);
  }

  protected validate(g: SGDGroup): void {
    checkCommon(this.name, g);
    checkMin(this.name, 'momentum value', g.momentum);
    if (typeof g.dampening !== 'number' || Number.isNaN(g.dampening)) throw new ArgumentError(`${this.name}: invalid dampening value: ${g.dampening}`);
    checkBool(this.name, 'nesterov', g.nesterov);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new ArgumentError(`${this.name}: Nesterov momentum requires a momentum and zero dampening (got momentum ${g.momentum}, dampening ${g.dampening})`);
    }
  }

  // The momentum buffer is made at the first update, from that update's gradient.
  protected initState(): ParamState {
    return {};
  }

  protected requiredState(g: ParamGroup<SGDGroup>): string[] {
    return g.momentum !== 0 ? ['momentumBuffer'] : [];
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<SGDGroup>, state: ParamState): void {
    let d = effectiveGrad(p, grad, g.maximize, g.weightDecay);
    if (g.momentum !== 0) {
      let buf = state.momentumBuffer as Tensor | undefined;
      if (!buf) state.momentumBuffer = buf = ENGINE.keep(clone(d));
      else buf.mul_(g.momentum).add_(g.dampening === 0 ? d : d.mul(1 - g.dampening));
      d = g.nesterov ? d.add(buf.mul(g.momentum)) : buf;
    }
    p.add_(d.mul(-g.lr));
  }
}
