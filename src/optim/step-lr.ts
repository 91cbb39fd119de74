// StepLR: multiplies the rates by gamma every stepSize epochs (torch.optim.lr_scheduler.StepLR).
import type { Optimizer } from './optimizer.js';
import { LRScheduler, type SchedulerStateDict } from './scheduler.js';
import { checkFinite, checkInteger } from './validate.js';

export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer<any>, stepSize: number, { gamma = 0.1 }: { gamma?: number } = {}) {
    super('StepLR', optimizer);
    this.stepSize = checkInteger(this.name, 'stepSize', stepSize, 1);
    this.gamma = checkFinite(this.name, 'gamma', gamma);
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected hyper(): SchedulerStateDict {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }
}
