// The base of every optimizer: parameter groups, per-parameter state, step /
// zeroGrad and state dicts, with torch.optim.Optimizer's semantics. A subclass
// validates its hyper-parameters, creates a parameter's state on its first
// step and updates one parameter at a time.
//
// Memory: state buffers are created with keep (they outlive any tidy the user
// wraps a training step in) and each parameter's update runs in its own tidy,
// so a step leaves nothing behind; updates run under noGrad with in-place ops,
// so parameters keep their identity (and their storage).
import '../ops/methods.js';
import { arrayCtor, isFloat } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { enableGrad, noGrad } from '../grad/transforms.js';
import { clone } from '../ops/cast.js';
import { zero_ } from '../ops/inplace.js';
import { checkMin, type Hyper, isPlainObject, show } from './validate.js';

/** One parameter's state: buffers (tensors the optimizer owns) and counters. */
export type ParamState = Record<string, Tensor | number>;

/** A parameter group as the optimizer holds it: its tensors and every hyper-parameter. */
export type ParamGroup<O extends Hyper> = O & { params: Tensor[]; initialLr?: number };

/** What a constructor accepts: tensors, or groups of tensors with hyper-parameter overrides. */
export type ParamsInput<O extends Hyper> = Tensor[] | (Partial<O> & { params: Tensor[] | Tensor; initialLr?: number })[];

/** `stateDict()`'s result: state per parameter index and the groups with parameter indices. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** Copies a hyper-parameter value (betas arrays are not shared). */
const copyValue = (v: unknown) => (Array.isArray(v) ? [...v] : v);

export abstract class Optimizer<O extends Hyper & { lr: number } = Hyper & { lr: number }> {
  /** The groups with their hyper-parameters; schedulers change `group.lr`. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** The hyper-parameters a group gets unless it overrides them. */
  readonly defaults: Readonly<O>;
  /** @internal per-parameter state, keyed by the parameter tensor (as torch keys by the parameter). */
  protected readonly state = new Map<Tensor, ParamState>();
  /** The optimizer's name, used in error messages. */
  readonly name: string;
  /** The hyper-parameter names. */
  private readonly keys: Set<string>;

  protected constructor(name: string, params: ParamsInput<O>, defaults: O, options: Partial<O> | undefined) {
    this.name = name;
    this.keys = new Set(Object.keys(defaults));
    if (options !== undefined && !isPlainObject(options)) throw new ArgumentError(`${name}: options must be an object, got ${show(options)}`);
    this.checkKeys(name, options ?? {}, 'option');
    const merged = { ...defaults } as Record<string, unknown>;
    for (const [k, v] of Object.entries(options ?? {})) if (v !== undefined) merged[k] = copyValue(v);
    this.validate(merged as O);
    this.defaults = Object.freeze(merged as O);
    if (!Array.isArray(params)) throw new ArgumentError(`${name}: params must be an array of tensors or of parameter groups, got ${show(params)}`);
    if (params.length === 0) throw new ArgumentError(`${name}: got an empty parameter list`);
    // An array holding any tensor is one group of tensors (so a stray non-tensor is reported as such).
    if (params.some((p) => p instanceof Tensor)) this.addParamGroup({ params: params as Tensor[] } as never);
    else for (const g of params as object[]) this.addParamGroup(g as never);
  }

  /** Throws ArgumentError for a bad hyper-parameter (torch's ValueErrors). */
  protected abstract validate(group: O): void;
  /** The state of a parameter at its first step: buffers made with keep. */
  protected abstract initState(p: Tensor, group: ParamGroup<O>): ParamState;
  /** Updates p in place from its gradient (runs under noGrad, inside a tidy). */
  protected abstract update(p: Tensor, grad: Tensor, group: ParamGroup<O>, state: ParamState): void;
  /** The state entries a parameter must have once it has state (checked by loadStateDict). */
  protected abstract requiredState(group: ParamGroup<O>): string[];

  /** Rejects unknown keys, so that a misspelt option (weight_decay) is not silently ignored. */
  private checkKeys(op: string, obj: object, what: string, extra: string[] = []): void {
    for (const k of Object.keys(obj)) {
      if (!this.keys.has(k) && !extra.includes(k)) throw new ArgumentError(`${op}: unknown ${what} '${k}'`);
    }
  }

  /** The subclass's checks, plus initialLr (set by schedulers) when present. */
  private validateGroup(g: Record<string, unknown>): void {
    this.validate(g as O);
    if (g.initialLr !== undefined) checkMin(this.name, 'initialLr', g.initialLr);
  }

  /** Adds a group `{ params, ...overrides }` (like torch's add_param_group). */
  addParamGroup(group: Partial<O> & { params: Tensor[] | Tensor; initialLr?: number }): void {
    if (!isPlainObject(group)) throw new ArgumentError(`${this.name}: a parameter group must be an object { params, ...options }, got ${show(group)}`);
    const raw = group.params instanceof Tensor ? [group.params] : group.params;
    if (!Array.isArray(raw)) throw new ArgumentError(`${this.name}: a parameter group's params must be an array of tensors, got ${show(raw)}`);
    const { params: _, ...overrides } = group;
    this.checkKeys(this.name, overrides, 'option', ['initialLr']);
    const seen = new Set<Tensor>(this.paramGroups.flatMap((g) => g.params));
    raw.forEach((p, i) => {
      const where = `parameter ${i} of group ${this.paramGroups.length}`;
      if (!(p instanceof Tensor)) throw new ArgumentError(`${this.name}: can only optimize tensors, but ${where} is ${show(p)}`);
      p.assertAlive(this.name);
      if (p.gradFn) throw new ArgumentError(`${this.name}: can't optimize a non-leaf tensor (${where} was produced by an op; use .detach().requiresGrad_())`);
      if (!isFloat(p.dtype)) throw new DTypeError(`${this.name}: can only optimize floating-point tensors, but ${where} is ${p.dtype}`);
      if (seen.has(p)) throw new ArgumentError(`${this.name}: some parameters appear more than once (${where}) in the parameter groups`);
      seen.add(p);
    });
    const merged = { ...this.defaults } as Record<string, unknown>;
    for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = copyValue(v);
    this.validateGroup(merged);
    this.paramGroups.push({ params: [...raw], ...merged } as ParamGroup<O>);
  }

  /**
   * Updates every parameter that has a gradient (a null `.grad` is skipped).
   * With a closure, calls it first with recording on and returns its loss.
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          p.assertAlive(`${this.name}.step`);
          grad.assertAlive(`${this.name}.step`);
          if (!shapesEqual(grad.shape, p.shape)) {
            throw new ShapeError(`${this.name}.step: a gradient of shape ${fmt(grad.shape)} for a parameter of shape ${fmt(p.shape)}`);
          }
          ENGINE.tidy(() => {
            let st = this.state.get(p);
            if (!st) this.state.set(p, (st = this.initState(p, group)));
            this.update(p, grad, group, st);
          });
        }
      }
    });
    return loss;
  }

  /** Disposes each parameter's `.grad` and sets it to null (torch's set_to_none); with false, zeroes it in place. */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (!g) continue;
        if (setToNone) {
          p.grad = null;
          g.dispose();
        } else noGrad(() => zero_(g));
      }
    }
  }

  /**
   * The state as `{ state, paramGroups }`, parameters numbered in group order.
   * Buffers are copies the caller owns (dispose them, or let a tidy do it).
   */
  stateDict(): OptimizerStateDict {
    const index = this.indexOf();
    const state: Record<number, ParamState> = {};
    const entries = [...this.state].filter(([p]) => index.has(p)).sort(([a], [b]) => index.get(a)! - index.get(b)!);
    noGrad(() => {
      for (const [p, st] of entries) {
        if (Object.keys(st).length === 0) continue;
        const copy: ParamState = {};
        for (const [k, v] of Object.entries(st)) copy[k] = v instanceof Tensor ? clone(v) : v;
        state[index.get(p)!] = copy;
      }
    });
    const paramGroups = this.paramGroups.map(({ params, ...hyper }) => {
      const g: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(hyper)) g[k] = copyValue(v);
      return { ...g, params: params.map((p) => index.get(p)!) };
    });
    return { state, paramGroups };
  }

  /**
   * Restores a state dict (from this optimizer's stateDict(), or one of another
   * optimizer of the same kind over parameters of the same shapes). Everything
   * is checked before anything changes; buffers are copied (in the parameters'
   * dtype), so the caller may dispose the dict afterwards.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (!isPlainObject(sd) || !isPlainObject(sd.state) || !Array.isArray(sd.paramGroups)) {
      throw new ArgumentError(`${op}: expected { state, paramGroups } as returned by stateDict(), got ${show(sd)}`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ArgumentError(`${op}: the state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, [Tensor, ParamGroup<O>]>();
    const hypers = sd.paramGroups.map((sg, gi) => {
      const group = this.paramGroups[gi];
      if (!isPlainObject(sg) || !Array.isArray(sg.params)) throw new ArgumentError(`${op}: parameter group ${gi} must be an object with a params array`);
      if (sg.params.length !== group.params.length) {
        throw new ArgumentError(`${op}: parameter group ${gi} has ${sg.params.length} parameters in the state dict, ${group.params.length} in the optimizer`);
      }
      sg.params.forEach((idx, k) => byIndex.set(idx, [group.params[k], group]));
      const { params: _, ...hyper } = sg;
      this.checkKeys(op, hyper, `hyper-parameter (a state dict of another optimizer?) in parameter group ${gi}:`, ['initialLr']);
      this.validateGroup({ ...group, ...hyper });
      return hyper;
    });
    const plan: [Tensor, ParamState][] = [];
    for (const [key, st] of Object.entries(sd.state)) {
      const target = byIndex.get(Number(key));
      if (!target) throw new ArgumentError(`${op}: the state dict has state for parameter ${key}, which no parameter group lists`);
      const [p, group] = target;
      if (!isPlainObject(st)) throw new ArgumentError(`${op}: the state of parameter ${key} must be an object, got ${show(st)}`);
      const merged = { ...group, ...hypers[this.paramGroups.indexOf(group)] } as ParamGroup<O>;
      for (const k of this.requiredState(merged)) {
        if (!(k in st)) throw new ArgumentError(`${op}: the state of parameter ${key} lacks '${k}'`);
      }
      for (const [k, v] of Object.entries(st)) {
        if (v instanceof Tensor) {
          v.assertAlive(op);
          if (!shapesEqual(v.shape, p.shape)) {
            throw new ShapeError(`${op}: state '${k}' of parameter ${key} has shape ${fmt(v.shape)}, the parameter has shape ${fmt(p.shape)}`);
          }
        } else if (typeof v !== 'number') throw new ArgumentError(`${op}: state '${k}' of parameter ${key} must be a tensor or a number, got ${show(v)}`);
      }
      plan.push([p, st]);
    }
    // Validated: replace the state and the hyper-parameters.
    this.disposeState();
    for (const [p, st] of plan) {
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(st)) copy[k] = v instanceof Tensor ? copyInto(p, v) : v;
      this.state.set(p, copy);
    }
    hypers.forEach((hyper, gi) => {
      for (const [k, v] of Object.entries(hyper)) (this.paramGroups[gi] as Record<string, unknown>)[k] = copyValue(v);
    });
  }

  /** Frees the state buffers (the optimizer starts afresh at its next step). */
  dispose(): void {
    this.disposeState();
  }

  private disposeState(): void {
    for (const st of this.state.values()) for (const v of Object.values(st)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }

  private indexOf(): Map<Tensor, number> {
    const index = new Map<Tensor, number>();
    for (const g of this.paramGroups) for (const p of g.params) index.set(p, index.size);
    return index;
  }
}

/** A kept copy of v's values in p's dtype, on p's backend (v may live on another backend). */
function copyInto(p: Tensor, v: Tensor): Tensor {
  const data = v.dataSync();
  const typed = data instanceof arrayCtor(p.dtype) ? data : arrayCtor(p.dtype).from(data);
  const t = ENGINE.empty(p.shape, p.dtype, p.storage.backend);
  if (typed.length) t.storage.backend.write(t.storage, typed, 0);
  return ENGINE.keep(t);
}
