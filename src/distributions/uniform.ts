// The continuous uniform distribution on [low, high), after torch.distributions.Uniform.
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { add, div, gt, le, mul, sub } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { rand } from '../ops/creation.js';
import { clamp, log, square } from '../ops/unary.js';
import { broadcastAll, Distribution, type DistributionOptions, type Param, readValues } from './distribution.js';

export class Uniform extends Distribution {
  /** The lower bound (inclusive), broadcast to batchShape (owned by the distribution). */
  readonly low: Tensor;
  /** The upper bound (exclusive), broadcast to batchShape (owned by the distribution). */
  readonly high: Tensor;

  /** low and high are tensors or numbers and broadcast together; low < high everywhere. */
  constructor(low: Param, high: Param, opts: DistributionOptions = {}) {
    const { tensors, shape } = broadcastAll('Uniform', ['low', 'high'], [low, high]);
    super('Uniform', shape, [], opts);
    this.low = this.own(tensors[0]);
    this.high = this.own(tensors[1]);
    this.validate(() => {
      // torch's constraints: low < high elementwise (NaN fails).
      const hi = readValues(this.high);
      if (hi) this.checkParam('low', this.low, (v, i) => v < hi[i], 'less than high');
    });
  }

  override get hasRsample(): boolean {
    return true;
  }

  get mean(): Tensor {
    return ENGINE.tidy(() => div(add(this.high, this.low), 2));
  }

  override get stddev(): Tensor {
    return ENGINE.tidy(() => div(sub(this.high, this.low), Math.sqrt(12)));
  }

  get variance(): Tensor {
    return ENGINE.tidy(() => div(square(sub(this.high, this.low)), 12));
  }

  /** low + u (high - low) with u ~ U[0, 1): differentiable in low and high. */
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return ENGINE.tidy(() => add(this.low, mul(rand(shape, { dtype: this.low.dtype }), sub(this.high, this.low))));
  }

  /** The support check is torch's interval(low, high): both ends included, so value == high passes and gives -inf. */
  private checked(op: string, value: Param): Tensor {
    return this.value(op, value, this.low.dtype, (x) => mul(le(this.low, x), le(x, this.high)), '[low, high]');
  }

  logProb(value: Param): Tensor {
    return ENGINE.tidy(() => {
      const v = this.checked('logProb', value);
      // log(1[low <= v < high]) - log(high - low), as torch: -inf outside, no gradient through the indicator.
      const inside = mul(cast(le(this.low, v), this.low.dtype), cast(gt(this.high, v), this.low.dtype));
      return sub(log(inside), log(sub(this.high, this.low)));
    });
  }

  /** P(X <= value), clamped to [0, 1]. */
  cdf(value: Param): Tensor {
    return ENGINE.tidy(() => {
      const v = this.checked('cdf', value);
      return clamp(div(sub(v, this.low), sub(this.high, this.low)), 0, 1);
    });
  }

  entropy(): Tensor {
    return ENGINE.tidy(() => log(sub(this.high, this.low)));
  }
}
