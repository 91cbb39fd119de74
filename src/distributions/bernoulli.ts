// The Bernoulli distribution over {0, 1}, after torch.distributions.Bernoulli.
import { ArgumentError } from '../core/errors.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { add, eq, lt, mul, sub } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { rand } from '../ops/creation.js';
import { clamp, exp, log, log1p, neg, relu, sigmoid } from '../ops/unary.js';
import { broadcastTo } from '../ops/views.js';
import { broadcastAll, Distribution, type DistributionOptions, epsOf, type Param } from './distribution.js';

export type ProbsOrLogits = { probs: Param; logits?: undefined } | { logits: Param; probs?: undefined };

/** Exactly one of probs and logits, or an ArgumentError naming the distribution. */
export function probsOrLogits(name: string, p: ProbsOrLogits): ['probs' | 'logits', Param] {
  const hasP = p != null && p.probs !== undefined;
  const hasL = p != null && p.logits !== undefined;
  if (hasP === hasL) throw new ArgumentError(`${name}: give exactly one of probs and logits`);
  return hasP ? ['probs', p.probs as Param] : ['logits', p.logits as Param];
}

/**
 * Binary cross-entropy with logits, elementwise, in torch's stable form
 * (1 - t) x + m + log(exp(-m) + exp(-x - m)) with m = max(-x, 0). Its gradient is
 * exactly sigmoid(x) - t everywhere (the m terms cancel, whatever subgradient
 * relu takes at 0), and it is differentiable in t as well (entropy needs both).
 */
export function bceWithLogits(x: Tensor, t: Tensor): Tensor {
  const m = relu(neg(x));
  return add(add(mul(sub(1, t), x), m), log(add(exp(neg(m)), exp(sub(neg(x), m)))));
}

export class Bernoulli extends Distribution {
  /** P(X = 1), of batchShape (owned by the distribution). */
  readonly probs: Tensor;
  /** log(p / (1 - p)), of batchShape (owned by the distribution). */
  readonly logits: Tensor;

  /** `{ probs }` in [0, 1] or `{ logits }` (real), a tensor or a number; batchShape is its shape. */
  constructor(params: ProbsOrLogits, opts: DistributionOptions = {}) {
    const [kind, param] = probsOrLogits('Bernoulli', params);
    const {
      tensors: [t],
      shape,
    } = broadcastAll('Bernoulli', [kind], [param]);
    super('Bernoulli', shape, [], opts);
    // Both forms are computed now rather than lazily (torch's lazy_property): a
    // lazily cached tensor made inside a caller's tidy would be freed with it.
    const [probs, logits] = ENGINE.tidy(() => {
      if (kind === 'logits') return [sigmoid(t), t];
      // torch's probs_to_logits: clamp to [eps, 1 - eps] so that 0 and 1 give finite logits.
      const pc = clamp(t, epsOf(t.dtype), 1 - epsOf(t.dtype));
      return [t, sub(log(pc), log1p(neg(pc)))];
    });
    this.probs = this.own(probs);
    this.logits = this.own(logits);
    this.validate(() => {
      if (kind === 'probs') this.checkParam('probs', this.probs, (v) => v >= 0 && v <= 1, 'unit interval [0, 1]');
      else this.checkParam('logits', this.logits, (v) => !Number.isNaN(v), 'real');
    });
  }

  get mean(): Tensor {
    return this.probs;
  }

  get variance(): Tensor {
    return ENGINE.tidy(() => mul(this.probs, sub(1, this.probs)));
  }

  /** 0/1 draws in the probabilities' dtype (u < p with u ~ U[0, 1)), of shape sampleShape + batchShape. */
  override sample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    // A comparison has no gradient, so the draws are outside the graph.
    return ENGINE.tidy(() => cast(lt(rand(shape, { dtype: this.probs.dtype }), broadcastTo(this.probs, shape)), this.probs.dtype));
  }

  logProb(value: Param): Tensor {
    return ENGINE.tidy(() => {
      const v = this.value('logProb', value, this.probs.dtype, (x) => add(eq(x, 0), eq(x, 1)), '{0, 1}');
      return neg(bceWithLogits(this.logits, cast(v, this.logits.dtype)));
    });
  }

  entropy(): Tensor {
    return ENGINE.tidy(() => bceWithLogits(this.logits, this.probs));
  }
}
