// Adagrad: torch.optim.Adagrad's algorithm, with learning-rate decay
// lr / (1 + (step - 1) * lrDecay) and an initial accumulator value.
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { fullLike } from '../ops/creation.js';
import { effectiveGrad } from './functional.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { checkCommon, checkMin } from './validate.js';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}

type AdagradGroup = Required<AdagradOptions>;

export class Adagrad extends Optimizer<AdagradGroup> {
  constructor(params: ParamsInput<AdagradGroup>, options?: AdagradOptions) {
    super('Adagrad', params, { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false }, options);
  }

  protected validate(g: AdagradGroup): void {
    checkCommon(this.name, g);
    checkMin(this.name, 'lrDecay value', g.lrDecay);
    checkMin(this.name, 'initialAccumulatorValue value', g.initialAccumulatorValue);
  }

  protected initState(p: Tensor, g: ParamGroup<AdagradGroup>): ParamState {
    return { step: 0, sum: ENGINE.keep(fullLike(p, g.initialAccumulatorValue)) };
  }

  protected requiredState(): string[] {
    return ['step', 'sum'];
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<AdagradGroup>, state: ParamState): void {
    const step = (state.step as number) + 1;
    state.step = step;
    const d = effectiveGrad(p, grad, g.maximize, g.weightDecay);
    const clr = g.lr / (1 + (step - 1) * g.lrDecay);
    const sum = state.sum as Tensor;
    sum.add_(d.mul(d));
    p.add_(d.div(sum.sqrt().add(g.eps)).mul(-clr));
  }
}
