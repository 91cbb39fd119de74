// ReduceLROnPlateau: multiplies the rates by `factor` once a metric has not
// improved for more than `patience` epochs (torch.optim.lr_scheduler.ReduceLROnPlateau):
// improvement is relative or absolute by `threshold`, `cooldown` epochs follow a
// reduction, rates stop at `minLr`, and a reduction smaller than `eps` is skipped.
import { ArgumentError } from '../core/errors.js';
import { Tensor } from '../engine/tensor.js';
import type { Optimizer } from './optimizer.js';
import { checkOptimizer, restore, type SchedulerStateDict } from './scheduler.js';
import { checkFinite, checkInteger, checkMin, show } from './validate.js';

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  /** One floor for every group, or one per group. */
  minLr?: number | number[];
  eps?: number;
}

const NAME = 'ReduceLROnPlateau';

export class ReduceLROnPlateau {
  readonly optimizer: Optimizer<any>;
  readonly name = NAME;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** The best metric so far (inf, or -inf in max mode, before the first). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];
  /** The scalar minLr, which follows groups added later (null when given per group). */
  private defaultMinLr: number | null;

  constructor(optimizer: Optimizer<any>, options: ReduceLROnPlateauOptions = {}) {
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    this.optimizer = checkOptimizer(NAME, optimizer);
    if (typeof factor !== 'number' || !(factor < 1)) throw new ArgumentError(`${NAME}: factor should be < 1.0, got ${show(factor)}`);
    this.factor = checkMin(NAME, 'factor', factor);
    if (mode !== 'min' && mode !== 'max') throw new ArgumentError(`${NAME}: mode ${show(mode)} is unknown (expected 'min' or 'max')`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs')
      throw new ArgumentError(`${NAME}: threshold mode ${show(thresholdMode)} is unknown (expected 'rel' or 'abs')`);
    this.mode = mode;
    this.thresholdMode = thresholdMode;
    this.threshold = checkFinite(NAME, 'threshold', threshold);
    this.patience = checkInteger(NAME, 'patience', patience, 0);
    this.cooldown = checkInteger(NAME, 'cooldown', cooldown, 0);
    this.eps = checkMin(NAME, 'eps', eps);
    const groups = this.optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups) throw new ArgumentError(`${NAME}: expected ${groups} minLr values (one per parameter group), got ${minLr.length}`);
      minLr.forEach((m) => checkMin(NAME, 'minLr', m));
      this.defaultMinLr = null;
      this.minLrs = [...minLr];
    } else {
      this.defaultMinLr = checkMin(NAME, 'minLr', minLr);
      this.minLrs = new Array(groups).fill(minLr);
    }
    this.best = this.modeWorse;
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records the epoch's metric (a number or a one-element tensor) and reduces the rates on a plateau. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== 'number') throw new ArgumentError(`${NAME}.step: the metric must be a number or a one-element tensor, got ${show(metric)}`);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null) {
        throw new ArgumentError(
          `${NAME}: the optimizer has ${groups.length} parameter groups but minLr has ${this.minLrs.length} values (was a group added?); set scheduler.minLrs`,
        );
      }
      this.minLrs = new Array(groups.length).fill(this.defaultMinLr);
    }
    groups.forEach((g, i) => {
      const newLr = Math.max(g.lr * this.factor, this.minLrs[i]);
      if (g.lr - newLr > this.eps) g.lr = newLr;
    });
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return {
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode,
      cooldown: this.cooldown,
      minLrs: [...this.minLrs],
      defaultMinLr: this.defaultMinLr,
      eps: this.eps,
      best: this.best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      lastLr: [...this.lastLr],
    };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    const mode = (sd as Record<string, unknown>)?.mode;
    const thresholdMode = (sd as Record<string, unknown>)?.thresholdMode;
    if (mode !== 'min' && mode !== 'max') throw new ArgumentError(`${NAME}.loadStateDict: mode ${show(mode)} is unknown`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new ArgumentError(`${NAME}.loadStateDict: threshold mode ${show(thresholdMode)} is unknown`);
    restore(this, NAME, sd, this.stateDict(), this.optimizer.paramGroups.length, ['defaultMinLr']);
  }
}
