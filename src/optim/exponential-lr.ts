// ExponentialLR: multiplies the rates by gamma every epoch (torch.optim.lr_scheduler.ExponentialLR).
import type { Optimizer } from './optimizer.js';
import { LRScheduler, type SchedulerStateDict } from './scheduler.js';
import { checkFinite } from './validate.js';

export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer<any>, gamma: number) {
    super('ExponentialLR', optimizer);
    this.gamma = checkFinite(this.name, 'gamma', gamma);
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.isInitial) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected hyper(): SchedulerStateDict {
    return { gamma: this.gamma };
  }
}
