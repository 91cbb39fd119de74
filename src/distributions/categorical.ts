// The categorical distribution over {0, ..., K-1}, after torch.distributions.Categorical.
import { ArgumentError, BackendError } from '../core/errors.js';
import { globalRandom } from '../core/random.js';
import { broadcastShapes, sizeOf } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { div, eq, ge, le, mul, sub } from '../ops/binary.js';
import { cast, contiguous } from '../ops/cast.js';
import { full, tensor } from '../ops/creation.js';
import { gather } from '../ops/indexing.js';
import { logsumexp, softmax, sum } from '../ops/reduce.js';
import { clamp, floor, log, neg } from '../ops/unary.js';
import { broadcastTo, squeeze, unsqueeze } from '../ops/views.js';
import { probsOrLogits } from './bernoulli.js';
import { asTensor, Distribution, type DistributionOptions, epsOf, finfoMin, paramDType, readValues } from './distribution.js';

export type CategoricalParams = { probs: Tensor; logits?: undefined } | { logits: Tensor; probs?: undefined };

export class Categorical extends Distribution {
  /** The event probabilities, normalised along the last axis (owned by the distribution). */
  readonly probs: Tensor;
  /** The normalised log-probabilities (logits - logsumexp(logits)) (owned by the distribution). */
  readonly logits: Tensor;
  /** K, the number of categories (the last axis of the parameter). */
  readonly numEvents: number;

  /**
   * `{ probs }` (non-negative, normalised along the last axis here) or `{ logits }`
   * (unnormalised log-probabilities): a tensor of at least one dimension, whose
   * last axis lists the K categories and whose other axes are batchShape.
   */
  constructor(params: CategoricalParams, opts: DistributionOptions = {}) {
    const [kind, param] = probsOrLogits('Categorical', params);
    if (!(param instanceof Tensor) || param.ndim < 1) {
      throw new ArgumentError(`Categorical: ${kind} must be a tensor of at least one dimension (the last lists the categories)`);
    }
    const t = asTensor('Categorical', kind, param, paramDType([param]));
    super('Categorical', param.shape.slice(0, -1), [], opts);
    this.numEvents = param.shape[param.ndim - 1];
    // Both forms are computed now, for the reason given in bernoulli.ts.
    const [probs, logits] = ENGINE.tidy(() => {
      if (kind === 'logits') {
        const l = sub(t, logsumexp(t, -1, true));
        return [softmax(l, -1), l];
      }
      // torch's probs_to_logits: log of the probabilities clamped to [eps, 1 - eps].
      const p = div(t, sum(t, -1, true));
      return [p, log(clamp(p, epsOf(p.dtype), 1 - epsOf(p.dtype)))];
    });
    if (t !== param) t.dispose();
    this.probs = this.own(probs);
    this.logits = this.own(logits);
    this.validate(() => {
      if (kind === 'logits') return this.checkParam('logits', this.logits, (v) => !Number.isNaN(v), 'real vector');
      // Stricter than torch, which checks only the normalised probs (and so accepts a row of all-negative values).
      this.checkParam('probs', param, (v) => v >= 0 && Number.isFinite(v), 'non-negative and finite');
      const p = readValues(this.probs);
      if (!p) return;
      const K = this.numEvents;
      const sums = Array.from({ length: p.length / K }, (_, r) => p.subarray(r * K, r * K + K).reduce((a, b) => a + b, 0));
      this.checkParam(
        'probs',
        this.probs,
        (v, i) => v >= 0 && Math.abs(sums[Math.floor(i / K)] - 1) < 1e-6,
        'simplex (each row non-negative, summing to a positive number)',
      );
    });
  }

  /** NaN, of batchShape, as in torch (the categories are labels, not numbers). */
  get mean(): Tensor {
    return full(this.extendedShape(), Number.NaN, { dtype: this.probs.dtype });
  }

  /** NaN, of batchShape, as in torch. */
  get variance(): Tensor {
    return full(this.extendedShape(), Number.NaN, { dtype: this.probs.dtype });
  }

  /**
   * int32 category indices of shape sampleShape + batchShape, drawn by inverting
   * each row's cumulative distribution with wg.seed's generator (reads the
   * probabilities synchronously: a CPU backend).
   */
  override sample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    const p = readValues(this.probs);
    if (!p) throw new BackendError('Categorical.sample: the probabilities must be readable synchronously (js or wasm backend)');
    const K = this.numEvents;
    const rows = sizeOf(this.batchShape);
    const cdf = new Float64Array(p.length);
    for (let r = 0; r < rows; r++) {
      let acc = 0;
      for (let k = 0; k < K; k++) cdf[r * K + k] = acc += p[r * K + k];
    }
    const out = new Int32Array(sizeOf(shape));
    for (let i = 0; i < out.length; i++) {
      const r = i % rows;
      const u = globalRandom.uniform() * cdf[r * K + K - 1];
      // The first category whose cumulative probability exceeds u (binary search;
      // zero-probability categories have an empty interval and are never drawn).
      let lo = 0;
      let hi = K - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[r * K + mid] > u) hi = mid;
        else lo = mid + 1;
      }
      out[i] = lo;
    }
    return tensor(out, { shape, dtype: 'int32' });
  }

  /** log P(X = value) for integer values in [0, K) (int32 or float), broadcast against batchShape. */
  logProb(value: Tensor | number): Tensor {
    return ENGINE.tidy(() => {
      const support = (x: Tensor) => mul(mul(eq(floor(x), x), ge(x, 0)), le(x, this.numEvents - 1));
      const v = this.value('logProb', value, 'int32', support, `integers in [0, ${this.numEvents - 1}]`);
      const vi = v.dtype === 'int32' ? v : cast(v, 'int32');
      // Broadcast value against the batch, then pick each value's log-probability (torch's gather).
      const lead = broadcastTo(vi, broadcastShapes('Categorical.logProb', vi.shape, this.batchShape));
      const index = contiguous(unsqueeze(lead, -1));
      const table = broadcastTo(this.logits, [...lead.shape, this.numEvents]);
      return squeeze(gather(table, -1, index), -1);
    });
  }

  entropy(): Tensor {
    // torch clamps -inf logits (probability 0) to the dtype's min so that 0 * log 0 counts as 0.
    return ENGINE.tidy(() => neg(sum(mul(clamp(this.logits, finfoMin(this.logits.dtype)), this.probs), -1)));
  }
}
