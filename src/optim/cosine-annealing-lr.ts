// CosineAnnealingLR in torch's recursive form: each rate follows from the
// current group.lr, eta_min + (base - eta_min)(1 + cos(pi t / tMax)) / 2 when
// nothing else changes the rate, and past tMax it climbs back (the period is
// 2 tMax), exactly as torch.optim.lr_scheduler.CosineAnnealingLR steps.
import type { Optimizer } from './optimizer.js';
import { LRScheduler, pyMod, type SchedulerStateDict } from './scheduler.js';
import { checkFinite, checkInteger } from './validate.js';

export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer<any>, tMax: number, { etaMin = 0 }: { etaMin?: number } = {}) {
    super('CosineAnnealingLR', optimizer);
    this.tMax = checkInteger(this.name, 'tMax', tMax, 1);
    this.etaMin = checkFinite(this.name, 'etaMin', etaMin);
    this.initialStep();
  }

  protected getLr(): number[] {
    const { tMax, etaMin, lastEpoch: t } = this;
    const groups = this.optimizer.paramGroups;
    if (this.isInitial) return groups.map((g) => g.lr);
    // The first epoch of a rising half-period: step up from eta_min.
    if (pyMod(t - 1 - tMax, 2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return groups.map((g) => ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (g.lr - etaMin) + etaMin);
  }

  protected hyper(): SchedulerStateDict {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }
}
