// KL divergences KL(p || q) between distributions of the same family, after
// torch.distributions.kl (the same formulas, so values, infinities and
// gradients agree with torch's). All are written with wasmgrad ops, so they
// are differentiable in both distributions' parameters.
import { ArgumentError, ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { add, div, eq, gt, lt, mul, sub, where } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { log, neg, softplus, square } from '../ops/unary.js';
import { Bernoulli } from './bernoulli.js';
import { Categorical } from './categorical.js';
import { solveLower } from './cholesky.js';
import type { Distribution } from './distribution.js';
import { halfLogDet, MultivariateNormal, mahalanobis } from './multivariate-normal.js';
import { Normal } from './normal.js';
import { Uniform } from './uniform.js';

type Ctor = abstract new (...args: any[]) => Distribution;
type KlFn = (p: any, q: any) => Tensor;

const REGISTRY = new Map<Ctor, Map<Ctor, KlFn>>();

/** Registers fn as KL(p || q) for p an instance of P and q of Q (torch's register_kl; the exact classes are looked up). */
export function registerKl<P extends Distribution, Q extends Distribution>(
  P: abstract new (...args: any[]) => P,
  Q: abstract new (...args: any[]) => Q,
  fn: (p: P, q: Q) => Tensor,
): void {
  if (!REGISTRY.has(P)) REGISTRY.set(P, new Map());
  REGISTRY.get(P)!.set(Q, fn as KlFn);
}

/**
 * KL(p || q) = E_p[log p(X) - log q(X)], of the broadcast batch shape of p and q.
 * Infinite where p puts mass where q has none, as in torch.
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  const fn = REGISTRY.get(p?.constructor as Ctor)?.get(q?.constructor as Ctor);
  if (!fn) {
    throw new ArgumentError(`klDivergence: no KL divergence is registered for ${p?.constructor?.name ?? typeof p} and ${q?.constructor?.name ?? typeof q}`);
  }
  return ENGINE.tidy(() => fn(p, q));
}

registerKl(Normal, Normal, (p, q) => {
  const varRatio = square(div(p.scale, q.scale));
  const t1 = square(div(sub(p.loc, q.loc), q.scale));
  return mul(sub(sub(add(varRatio, t1), 1), log(varRatio)), 0.5);
});

registerKl(Bernoulli, Bernoulli, (p, q) => {
  // Masks as torch's index assignments: q puts no mass where p does -> inf; p puts none -> 0.
  let t1 = mul(p.probs, sub(softplus(neg(q.logits)), softplus(neg(p.logits))));
  t1 = where(eq(p.probs, 0), 0, where(eq(q.probs, 0), Infinity, t1));
  let t2 = mul(sub(1, p.probs), sub(softplus(q.logits), softplus(p.logits)));
  t2 = where(eq(p.probs, 1), 0, where(eq(q.probs, 1), Infinity, t2));
  return add(t1, t2);
});

registerKl(Categorical, Categorical, (p, q) => {
  if (p.numEvents !== q.numEvents) throw new ShapeError(`klDivergence: Categorical with ${p.numEvents} and ${q.numEvents} categories`);
  let t = mul(p.probs, sub(p.logits, q.logits));
  t = where(eq(p.probs, 0), 0, where(eq(q.probs, 0), Infinity, t));
  return sum(t, -1);
});

registerKl(Uniform, Uniform, (p, q) => {
  const result = log(div(sub(q.high, q.low), sub(p.high, p.low)));
  // Infinite unless q's interval contains p's (the sum of two 0/1 masks is nonzero where either holds).
  return where(add(gt(q.low, p.low), lt(q.high, p.high)), Infinity, result);
});

registerKl(MultivariateNormal, MultivariateNormal, (p, q) => {
  if (p.eventShape[0] !== q.eventShape[0]) {
    throw new ShapeError(`klDivergence: MultivariateNormal with event shapes ${fmt(p.eventShape)} and ${fmt(q.eventShape)}`);
  }
  const n = p.eventShape[0];
  const Lp = p.unbroadcastedScaleTril;
  const Lq = q.unbroadcastedScaleTril;
  // 0.5 (tr(Sq^-1 Sp) + (mq - mp)^T Sq^-1 (mq - mp) - n) + log det Lq - log det Lp, where
  // tr(Sq^-1 Sp) = |Lq^-1 Lp|_F^2.
  const term2 = sum(square(solveLower(Lq, Lp)), [-2, -1]);
  const term3 = mahalanobis(Lq, sub(q.loc, p.loc));
  return add(sub(halfLogDet(Lq), halfLogDet(Lp)), mul(sub(add(term2, term3), n), 0.5));
});
