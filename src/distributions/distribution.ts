// The base class of wg.distributions, after torch.distributions.Distribution:
// the shapes (batchShape, eventShape), argument validation, and ownership of
// the tensors a distribution holds.
//
// Ownership: a distribution holds its parameters as tensors of its own (broadcast
// views of what it was given, never the caller's tensor objects), created where
// the constructor runs; `dispose()` frees them, and an enclosing `tidy` frees
// them with everything else (call `keep()` to let a distribution outlive one).
// Getters that return a parameter (`loc`, `probs`, `mean` of Normal, ...) return
// those tensors: do not dispose them. Everything else (logProb, entropy, samples,
// variance, ...) is a new tensor the caller owns.
import { type DType, isFloat, promoteTypes } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes, checkShape, fmt } from '../core/shape.js';
import { isCpuBackend } from '../engine/backend.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { noGrad } from '../grad/transforms.js';
import { cast } from '../ops/cast.js';
import { full } from '../ops/creation.js';
import { sqrt } from '../ops/unary.js';
import { broadcastTo } from '../ops/views.js';

/** A parameter or value: a tensor, or a plain number (a 0-D tensor of the other operands' dtype). */
export type Param = Tensor | number;

export interface DistributionOptions {
  /**
   * Check the parameters in the constructor and the values given to logProb/cdf
   * (torch's validate_args). Defaults to `getDefaultValidateArgs()`, true as in
   * torch. Off, invalid parameters give NaN and values outside the support give
   * whatever the formula gives (-inf for Uniform, for instance).
   */
  validateArgs?: boolean;
}

let defaultValidateArgs = true;

/** Sets whether distributions validate by default (torch's Distribution.set_default_validate_args). */
export function setDefaultValidateArgs(value: boolean): void {
  defaultValidateArgs = value;
}

export function getDefaultValidateArgs(): boolean {
  return defaultValidateArgs;
}

/** The machine epsilon of a float dtype (torch.finfo(dtype).eps), used to clamp probabilities. */
export function epsOf(dtype: DType): number {
  return dtype === 'float64' ? 2 ** -52 : 2 ** -23;
}

/** The most negative finite value of a float dtype (torch.finfo(dtype).min). */
export function finfoMin(dtype: DType): number {
  return dtype === 'float64' ? -Number.MAX_VALUE : -3.4028234663852886e38;
}

/** The float dtype parameters share: promoted over the tensors, float32 when none is (torch's default dtype). */
export function paramDType(params: readonly (Param | undefined)[]): DType {
  let dtype: DType | null = null;
  for (const p of params) if (p instanceof Tensor) dtype = dtype ? promoteTypes(dtype, p.dtype) : p.dtype;
  return dtype && isFloat(dtype) ? dtype : 'float32';
}

/** A parameter as a live tensor of `dtype` (numbers become 0-D tensors; other dtypes are cast, differentiably). */
export function asTensor(op: string, name: string, p: Param, dtype: DType): Tensor {
  if (typeof p === 'number') return full([], p, { dtype });
  if (!(p instanceof Tensor)) throw new ArgumentError(`${op}: ${name} must be a Tensor or a number, got ${p === null ? 'null' : typeof p}`);
  p.assertAlive(op);
  return p.dtype === dtype ? p : cast(p, dtype);
}

/**
 * torch's broadcast_all: the parameters as tensors of one float dtype, broadcast
 * to one shape. The results are new views (never the caller's tensors), so the
 * distribution can dispose them; gradients flow back to the caller's tensors.
 */
export function broadcastAll(op: string, names: string[], params: Param[]): { tensors: Tensor[]; shape: number[] } {
  const dtype = paramDType(params);
  return ENGINE.tidy(() => {
    const ts = params.map((p, i) => asTensor(op, names[i], p, dtype));
    let shape: number[] = [];
    try {
      shape = ts.reduce((s, t) => broadcastShapes(op, s, t.shape), [] as number[]);
    } catch {
      throw new ShapeError(`${op}: parameter shapes ${ts.map((t, i) => `${names[i]} ${fmt(t.shape)}`).join(', ')} do not broadcast`);
    }
    return { tensors: ts.map((t) => broadcastTo(t, shape)), shape };
  });
}

/** The values of t as float64, or null where they cannot be read synchronously (a device backend: checks are skipped there). */
export function readValues(t: Tensor): Float64Array | null {
  if (!isCpuBackend(t.storage.backend)) return null;
  return Float64Array.from(t.dataSync());
}

export abstract class Distribution {
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly validateArgs: boolean;
  private readonly owned: Tensor[] = [];

  protected constructor(
    /** The class name, used in error messages. */
    readonly name: string,
    batchShape: readonly number[],
    eventShape: readonly number[],
    opts: DistributionOptions = {},
  ) {
    this.batchShape = [...batchShape];
    this.eventShape = [...eventShape];
    this.validateArgs = opts.validateArgs ?? defaultValidateArgs;
  }

  /** Whether `rsample` gives reparameterised (differentiable) samples. */
  get hasRsample(): boolean {
    return false;
  }

  abstract get mean(): Tensor;
  abstract get variance(): Tensor;

  /** The standard deviation (a new tensor). */
  get stddev(): Tensor {
    return ENGINE.tidy(() => sqrt(this.variance));
  }

  /** The log of the density (or mass) at `value`, broadcast against batchShape + eventShape; shape: value's batch part. */
  abstract logProb(value: Param): Tensor;

  /** The entropy, of shape batchShape. */
  abstract entropy(): Tensor;

  /** Reparameterised samples of shape sampleShape + batchShape + eventShape: gradients flow to the parameters. */
  rsample(_sampleShape: readonly number[] = []): Tensor {
    throw new ArgumentError(`${this.name}.rsample: ${this.name} has no reparameterised sampler (use sample)`);
  }

  /** Samples of shape sampleShape + batchShape + eventShape, outside the graph. Reproducible after `wg.seed(n)`. */
  sample(sampleShape: readonly number[] = []): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }

  /** sampleShape + batchShape + eventShape. */
  extendedShape(sampleShape: readonly number[] = []): number[] {
    if (!Array.isArray(sampleShape)) throw new ArgumentError(`${this.name}: the sample shape must be an array of sizes, got ${typeof sampleShape}`);
    return [...checkShape(this.name, sampleShape), ...this.batchShape, ...this.eventShape];
  }

  /** Frees the tensors the distribution holds. */
  dispose(): void {
    for (const t of this.owned) t.dispose();
    this.owned.length = 0;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Exempts the distribution's tensors from every enclosing tidy (dispose it by hand then). */
  keep(): this {
    for (const t of this.owned) ENGINE.keep(t);
    return this;
  }

  /** Records tensors the distribution owns (freed by dispose). */
  protected own<T extends Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }

  /** Runs fn; if it throws, frees what the constructor made so far and rethrows. */
  protected guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** Runs the parameter checks (when validateArgs), freeing what the constructor made if one throws. */
  protected validate(checks: () => void): void {
    if (this.validateArgs) this.guard(() => noGrad(checks));
  }

  /** Throws ArgumentError unless ok(v) holds for every value of parameter t (torch's arg_constraints). */
  protected checkParam(param: string, t: Tensor, ok: (v: number, i: number) => boolean, constraint: string): void {
    const vs = readValues(t);
    if (!vs) return;
    const bad = vs.findIndex((v, i) => !ok(v, i));
    if (bad >= 0) {
      throw new ArgumentError(
        `${this.name}: expected parameter ${param} (shape ${fmt(t.shape)}) to satisfy the constraint ${constraint}, but found invalid value ${vs[bad]} at flat index ${bad}`,
      );
    }
  }

  /**
   * A value for logProb/cdf as a tensor (numbers take `dtype`), checked as
   * torch's _validate_sample does: its trailing dims must equal eventShape and
   * broadcast with batchShape; `inSupport` (0/1 per element, built from ops)
   * must hold everywhere.
   */
  protected value(op: string, value: Param, dtype: DType, inSupport: (v: Tensor) => Tensor, support: string): Tensor {
    const where = `${this.name}.${op}`;
    const v = asTensor(where, 'value', value, typeof value === 'number' ? dtype : value instanceof Tensor ? value.dtype : dtype);
    if (!this.validateArgs) return v;
    const ev = this.eventShape.length;
    if (v.ndim < ev || v.shape.slice(v.ndim - ev).some((d, i) => d !== this.eventShape[i])) {
      throw new ShapeError(`${where}: the right-most dims of value ${fmt(v.shape)} must equal the event shape ${fmt(this.eventShape)}`);
    }
    const expected = [...this.batchShape, ...this.eventShape];
    for (let i = 1; i <= Math.min(v.ndim, expected.length); i++) {
      const a = v.shape[v.ndim - i];
      const b = expected[expected.length - i];
      if (a !== 1 && b !== 1 && a !== b) {
        throw new ShapeError(`${where}: value ${fmt(v.shape)} does not broadcast with batch shape + event shape ${fmt(expected)}`);
      }
    }
    const ok = ENGINE.tidy(() => readValues(noGrad(() => inSupport(v))));
    const bad = ok ? ok.indexOf(0) : -1;
    if (bad >= 0) {
      // The mask has the broadcast shape; name the offending value when it is the value's own.
      const vs = readValues(v)!;
      const shown = ok!.length === vs.length ? `: ${vs[bad]}` : '';
      throw new ArgumentError(
        `${where}: expected value (shape ${fmt(v.shape)}) within the support ${support} of ${this.name}, but found invalid values (first at flat index ${bad}${shown})`,
      );
    }
    return v;
  }
}
