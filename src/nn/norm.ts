// Normalisation layers: BatchNorm1d/2d (batch statistics while training,
// running statistics in eval mode) and LayerNorm, with PyTorch's defaults and
// state-dict keys (weight, bias, running_mean, running_var, num_batches_tracked).
import { ArgumentError, ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { noGrad } from '../grad/transforms.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { full, ones, zeros } from '../ops/creation.js';
import { add_, copy_ } from '../ops/inplace.js';
import { mean, variance } from '../ops/reduce.js';
import { rsqrt } from '../ops/unary.js';
import { reshape } from '../ops/views.js';
import { buffer, Module, parameter } from './module.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running averages; null: a cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

abstract class BatchNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;

  constructor(
    readonly numFeatures: number,
    opts: BatchNormOptions,
    private readonly ranks: number[],
  ) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures <= 0)
      throw new ArgumentError(`${this.constructor.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    const affine = opts.affine ?? true;
    this.weight = affine ? parameter(ones([numFeatures])) : null;
    this.bias = affine ? parameter(zeros([numFeatures])) : null;
    const track = opts.trackRunningStats ?? true;
    this.running_mean = track ? buffer(zeros([numFeatures])) : null;
    this.running_var = track ? buffer(ones([numFeatures])) : null;
    this.num_batches_tracked = track ? buffer(zeros([], { dtype: 'int32' })) : null;
  }

  forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    if (!this.ranks.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`${name}: expected input of rank ${this.ranks.join(' or ')} with ${this.numFeatures} channels on axis 1, got ${fmt(x.shape)}`);
    }
    const axes = [0, ...x.shape.map((_, i) => i).slice(2)];
    const shape = x.shape.map((d, i) => (i === 1 ? d : 1));
    const useBatch = this.training || !this.running_mean;
    return ENGINE.tidy(() => {
      let m: Tensor;
      let v: Tensor;
      if (useBatch) {
        const n = axes.reduce((p, a) => p * x.shape[a], 1);
        if (this.training && n <= 1) throw new ArgumentError(`${name}: expected more than one value per channel when training, got input ${fmt(x.shape)}`);
        m = mean(x, axes, true);
        v = variance(x, axes, { correction: 0, keepdim: true });
        if (this.training && this.running_mean && this.running_var && this.num_batches_tracked) this.updateRunning(m, v, n);
      } else {
        m = reshape(this.running_mean!, shape);
        v = reshape(this.running_var!, shape);
      }
      let y = mul(sub(x, m), rsqrt(add(v, this.eps)));
      if (this.weight && this.bias) y = add(mul(y, reshape(this.weight, shape)), reshape(this.bias, shape));
      return y;
    });
  }

  private updateRunning(m: Tensor, v: Tensor, n: number): void {
    noGrad(() => {
      add_(this.num_batches_tracked!, 1);
      const f = this.momentum ?? 1 / (this.num_batches_tracked!.item() as number);
      // The running variance uses the unbiased estimate, as PyTorch.
      const unbiased = mul(reshape(v, [-1]), n / Math.max(n - 1, 1));
      copy_(this.running_mean!, add(mul(this.running_mean!, 1 - f), mul(reshape(m, [-1]), f)));
      copy_(this.running_var!, add(mul(this.running_var!, 1 - f), mul(unbiased, f)));
    });
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}`;
  }
}

/** Batch normalisation over [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, opts, [2, 3]);
  }
}

/** Batch normalisation over [N, C, H, W]. */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, opts, [4]);
  }
}

export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  bias?: boolean;
}

/** Normalises over the trailing dims given by normalizedShape. */
export class LayerNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly normalizedShape: number[];
  readonly eps: number;

  constructor(normalizedShape: number | number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? parameter(full(this.normalizedShape, 1)) : null;
    this.bias = affine && (opts.bias ?? true) ? parameter(zeros(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (x.ndim < k || x.shape.slice(-k).some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError(`LayerNorm: input ${fmt(x.shape)} does not end with the normalized shape ${fmt(this.normalizedShape)}`);
    }
    const axes = this.normalizedShape.map((_, i) => x.ndim - k + i);
    return ENGINE.tidy(() => {
      const m = mean(x, axes, true);
      const v = variance(x, axes, { correction: 0, keepdim: true });
      let y = div(sub(x, m), add(v, this.eps).sqrt());
      if (this.weight) y = mul(y, this.weight);
      if (this.bias) y = add(y, this.bias);
      return y;
    });
  }

  protected override extraRepr(): string {
    return `${fmt(this.normalizedShape)}, eps=${this.eps}`;
  }
}
