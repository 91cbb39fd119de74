// The base of the epoch-based learning-rate schedulers (torch's LRScheduler):
// the constructor records each group's initialLr (baseLrs) and takes the first
// step to epoch 0; each step() moves to the next epoch and writes the new rates
// into `group.lr`. The subclasses use torch's recursive forms (the next rate from
// the current one), so chained changes to group.lr compose as in PyTorch.
import { ArgumentError } from '../core/errors.js';
import { Optimizer } from './optimizer.js';
import { isPlainObject, show } from './validate.js';

export type SchedulerStateDict = Record<string, number | number[] | string | boolean | null>;

/** Python's modulo (the sign of the divisor), which torch's schedulers rely on. */
export const pyMod = (a: number, b: number) => ((a % b) + b) % b;

export function checkOptimizer(name: string, optimizer: unknown): Optimizer<any> {
  if (!(optimizer instanceof Optimizer)) throw new ArgumentError(`${name}: expected an optimizer, got ${show(optimizer)}`);
  return optimizer;
}

/**
 * Restores the listed fields of a scheduler from a state dict, checking their
 * types (and lengths for lists); only the fields named in `nullable` may be null.
 */
export function restore(target: object, name: string, sd: unknown, fields: Record<string, unknown>, groups: number, nullable: string[] = []): void {
  const op = `${name}.loadStateDict`;
  if (!isPlainObject(sd)) throw new ArgumentError(`${op}: expected an object as returned by stateDict(), got ${show(sd)}`);
  for (const [k, current] of Object.entries(fields)) {
    if (!(k in sd)) throw new ArgumentError(`${op}: the state dict lacks '${k}'`);
    const v = sd[k];
    if (Array.isArray(current)) {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new ArgumentError(`${op}: '${k}' must be an array of numbers, got ${show(v)}`);
      if (v.length !== groups) throw new ArgumentError(`${op}: '${k}' has ${v.length} entries, the optimizer has ${groups} parameter groups`);
    } else if (nullable.includes(k)) {
      if (v !== null && typeof v !== 'number') throw new ArgumentError(`${op}: '${k}' must be a number or null, got ${show(v)}`);
    } else if (typeof v !== typeof current) {
      throw new ArgumentError(`${op}: '${k}' must be a ${typeof current}, got ${show(v)}`);
    }
  }
  for (const k of Object.keys(fields)) (target as Record<string, unknown>)[k] = Array.isArray(sd[k]) ? [...sd[k]] : sd[k];
}

export abstract class LRScheduler {
  readonly optimizer: Optimizer<any>;
  /** The current epoch: 0 after construction, +1 per step(). */
  lastEpoch = -1;
  /** Each group's initialLr. */
  baseLrs: number[];
  /** The scheduler's name, used in error messages. */
  readonly name: string;
  protected stepCount = 0;
  protected lastLr: number[] = [];
  /** True during the constructor's step (torch's _is_initial). */
  protected isInitial = false;

  protected constructor(name: string, optimizer: Optimizer<any>) {
    this.name = name;
    this.optimizer = checkOptimizer(name, optimizer);
    for (const g of this.optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = this.optimizer.paramGroups.map((g) => g.initialLr as number);
  }

  /**
   * The first step (to epoch 0). Subclasses call it at the end of their
   * constructor, once their own fields are set (torch calls it from the base).
   */
  protected initialStep(): void {
    this.stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  /** The rates of the epoch this.lastEpoch, from the current group.lr values. */
  protected abstract getLr(): number[];

  /** Moves to the next epoch (call it after optimizer.step()). */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The rates the last step() set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's hyper-parameters (saved and restored with the counters). */
  protected abstract hyper(): SchedulerStateDict;

  /** Every field but the optimizer, as torch's state_dict. */
  stateDict(): SchedulerStateDict {
    return { ...this.hyper(), lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr], stepCount: this.stepCount };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    const fields = { ...this.hyper(), lastEpoch: 0, baseLrs: this.baseLrs, lastLr: this.lastLr, stepCount: 0 };
    restore(this, this.name, sd, fields, this.optimizer.paramGroups.length);
  }
}
