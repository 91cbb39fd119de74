// The normal distribution N(loc, scale^2), after torch.distributions.Normal.
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { add, div, eq, mul, sub } from '../ops/binary.js';
import { randn } from '../ops/creation.js';
import { erf, log, neg, square } from '../ops/unary.js';
import { broadcastAll, Distribution, type DistributionOptions, type Param } from './distribution.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export class Normal extends Distribution {
  /** The mean, broadcast to batchShape (owned by the distribution). */
  readonly loc: Tensor;
  /** The standard deviation, broadcast to batchShape (owned by the distribution). */
  readonly scale: Tensor;

  /** loc and scale are tensors or numbers and broadcast together; scale must be > 0. */
  constructor(loc: Param, scale: Param, opts: DistributionOptions = {}) {
    const { tensors, shape } = broadcastAll('Normal', ['loc', 'scale'], [loc, scale]);
    super('Normal', shape, [], opts);
    this.loc = this.own(tensors[0]);
    this.scale = this.own(tensors[1]);
    this.validate(() => {
      // torch's constraints: loc real (not NaN), scale positive (strictly).
      this.checkParam('loc', this.loc, (v) => !Number.isNaN(v), 'real');
      this.checkParam('scale', this.scale, (v) => v > 0, 'positive (> 0)');
    });
  }

  override get hasRsample(): boolean {
    return true;
  }

  get mean(): Tensor {
    return this.loc;
  }

  override get stddev(): Tensor {
    return this.scale;
  }

  get variance(): Tensor {
    return square(this.scale);
  }

  /** loc + scale * eps with eps ~ N(0, 1): differentiable in loc and scale. */
  override rsample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return ENGINE.tidy(() => add(this.loc, mul(randn(shape, { dtype: this.loc.dtype }), this.scale)));
  }

  logProb(value: Param): Tensor {
    return ENGINE.tidy(() => {
      const v = this.value('logProb', value, this.loc.dtype, (x) => eq(x, x), 'real');
      // torch's formula: -(v - loc)^2 / (2 var) - log(scale) - log(sqrt(2 pi)).
      const quad = div(neg(square(sub(v, this.loc))), mul(square(this.scale), 2));
      return sub(sub(quad, log(this.scale)), LOG_SQRT_2PI);
    });
  }

  /** P(X <= value) = (1 + erf((value - loc) / (scale sqrt 2))) / 2. */
  cdf(value: Param): Tensor {
    return ENGINE.tidy(() => {
      const v = this.value('cdf', value, this.loc.dtype, (x) => eq(x, x), 'real');
      return mul(add(erf(div(sub(v, this.loc), mul(this.scale, Math.SQRT2))), 1), 0.5);
    });
  }

  entropy(): Tensor {
    return ENGINE.tidy(() => add(log(this.scale), 0.5 + LOG_SQRT_2PI));
  }
}
