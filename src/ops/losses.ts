// Loss functions and dropout, composed from primitive ops (their gradients
// come from the primitives').
import { isFloat } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { add, div, ge, mul, ne, sub, where } from './binary.js';
import { cast } from './cast.js';
import { rand } from './creation.js';
import { gather, indexSelect } from './indexing.js';
import { logSoftmax, mean, sum } from './reduce.js';
import { abs, neg, softplus, square } from './unary.js';
import { checkTensor, requireFloat } from './util.js';
import { flatten, reshape, squeeze, unsqueeze } from './views.js';

export type Reduction = 'mean' | 'sum' | 'none';

function reduce(op: string, x: Tensor, reduction: Reduction | undefined): Tensor {
  const r = reduction ?? 'mean';
  if (r === 'mean') return mean(x);
  if (r === 'sum') return sum(x);
  if (r === 'none') return x;
  throw new ArgumentError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
}

export interface NllOptions {
  reduction?: Reduction;
  /** Targets equal to this are skipped (and left out of the mean). PyTorch's default: -100. */
  ignoreIndex?: number;
  /** A weight per class. */
  weight?: Tensor;
}

export interface CrossEntropyOptions extends NllOptions {
  /** Mixes the target with the uniform distribution: (1 - s) one-hot + s / C. */
  labelSmoothing?: number;
}

function checkClassTargets(op: string, input: Tensor, target: Tensor): void {
  checkTensor(op, input);
  checkTensor(op, target, 'target');
  requireFloat(op, input);
  if (target.dtype !== 'int32') throw new DTypeError(`${op}: class targets must be int32, got ${target.dtype}`);
  const expected = [input.shape[0], ...input.shape.slice(2)];
  if (input.ndim < 2 || !shapesEqual(target.shape, expected)) {
    throw new ShapeError(`${op}: input ${fmt(input.shape)} [N, C, ...] needs targets of shape ${fmt(expected)}, got ${fmt(target.shape)}`);
  }
}

/**
 * Negative log-likelihood of class targets given log-probabilities
 * `input` [N, C, ...] and int32 `target` [N, ...].
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  checkClassTargets('nllLoss', input, target);
  const ignore = opts.ignoreIndex ?? -100;
  return ENGINE.tidy(() => {
    const C = input.shape[1];
    const valid = ne(target, ignore);
    const safe = where(valid, target, 0);
    const picked = squeeze(gather(input, 1, unsqueeze(safe, 1)), 1); // [N, ...]
    let w = cast(valid, input.dtype);
    if (opts.weight) {
      if (opts.weight.ndim !== 1 || opts.weight.shape[0] !== C) throw new ShapeError(`nllLoss: weight must have shape [${C}], got ${fmt(opts.weight.shape)}`);
      w = mul(w, reshape(indexSelect(opts.weight, 0, flatten(safe)), safe.shape));
    }
    const losses = neg(mul(picked, w));
    const r = opts.reduction ?? 'mean';
    // The mean is weighted, as in PyTorch: divided by the total weight of the counted targets.
    if (r === 'mean') return div(sum(losses), sum(w));
    return reduce('nllLoss', losses, r);
  });
}

/** weight [C] shaped to broadcast along axis 1 of a rank-`rank` tensor. */
function classWeight(op: string, weight: Tensor, C: number, rank: number): Tensor {
  checkTensor(op, weight, 'weight');
  if (weight.ndim !== 1 || weight.shape[0] !== C) throw new ShapeError(`${op}: weight must have shape [${C}], got ${fmt(weight.shape)}`);
  return reshape(weight, [1, C, ...new Array(rank - 2).fill(1)]);
}

/**
 * Cross-entropy between logits [N, C, ...] and int32 class targets [N, ...]
 * (or float class probabilities of the logits' shape), as PyTorch computes it:
 * with class weights, the per-sample loss is (1 - s) w[y] (-log p[y]) + (s / C)
 * sum_c w[c] (-log p[c]), and the mean divides by the total weight of the
 * counted targets.
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const s = opts.labelSmoothing ?? 0;
  if (!(s >= 0 && s <= 1)) throw new ArgumentError(`${op}: labelSmoothing must be in [0, 1], got ${s}`);
  checkTensor(op, logits);
  checkTensor(op, target, 'target');
  const C = logits.shape[1];
  if (isFloat(target.dtype)) {
    if (!shapesEqual(target.shape, logits.shape)) {
      throw new ShapeError(`${op}: probability targets must have the logits' shape ${fmt(logits.shape)}, got ${fmt(target.shape)}`);
    }
    return ENGINE.tidy(() => {
      let t = s > 0 ? add(mul(target, 1 - s), s / C) : target;
      if (opts.weight) t = mul(t, classWeight(op, opts.weight, C, logits.ndim));
      const per = neg(sum(mul(logSoftmax(logits, 1), t), 1));
      return reduce(op, per, opts.reduction);
    });
  }
  checkClassTargets(op, logits, target);
  return ENGINE.tidy(() => {
    const logp = logSoftmax(logits, 1);
    const valid = ne(target, opts.ignoreIndex ?? -100);
    const safe = where(valid, target, 0);
    let wy = cast(valid, logp.dtype);
    if (opts.weight) {
      classWeight(op, opts.weight, C, logits.ndim);
      wy = mul(wy, reshape(indexSelect(opts.weight, 0, flatten(safe)), safe.shape));
    }
    let per = neg(mul(squeeze(gather(logp, 1, unsqueeze(safe, 1)), 1), wy));
    if (s > 0) {
      const wc = opts.weight ? mul(logp, classWeight(op, opts.weight, C, logits.ndim)) : logp;
      const smooth = mul(neg(sum(wc, 1)), cast(valid, logp.dtype));
      per = add(mul(per, 1 - s), mul(smooth, s / C));
    }
    const r = opts.reduction ?? 'mean';
    return r === 'mean' ? div(sum(per), sum(wy)) : reduce(op, per, r);
  });
}

function checkPair(op: string, a: Tensor, b: Tensor): void {
  checkTensor(op, a);
  checkTensor(op, b, 'target');
  if (!shapesEqual(a.shape, b.shape)) throw new ShapeError(`${op}: input ${fmt(a.shape)} and target ${fmt(b.shape)} must have the same shape`);
}

/** Mean squared error. */
export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  checkPair('mseLoss', input, target);
  return ENGINE.tidy(() => reduce('mseLoss', square(sub(input, target)), opts.reduction));
}

/** Mean absolute error. */
export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  checkPair('l1Loss', input, target);
  return ENGINE.tidy(() => reduce('l1Loss', abs(sub(input, target)), opts.reduction));
}

/** Huber loss: 0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere. */
export function huberLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; delta?: number } = {}): Tensor {
  checkPair('huberLoss', input, target);
  const delta = opts.delta ?? 1;
  if (!(delta > 0)) throw new ArgumentError(`huberLoss: delta must be positive, got ${delta}`);
  return ENGINE.tidy(() => {
    const d = abs(sub(input, target));
    const quad = mul(square(d), 0.5);
    const lin = mul(sub(d, 0.5 * delta), delta);
    return reduce('huberLoss', where(ge(d, delta), lin, quad), opts.reduction);
  });
}

/**
 * Binary cross-entropy on logits, computed stably:
 * (1 - y) x + log(1 + exp(-x)), with an optional posWeight on the positive term.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: { reduction?: Reduction; posWeight?: Tensor | number } = {}): Tensor {
  checkPair('binaryCrossEntropyWithLogits', input, target);
  requireFloat('binaryCrossEntropyWithLogits', input);
  return ENGINE.tidy(() => {
    const y = cast(target, input.dtype);
    // log(1 + exp(-x)) as softplus, which also has the right derivative (1/2) at x = 0.
    const softplusNeg = softplus(neg(input));
    let loss: Tensor;
    if (opts.posWeight !== undefined) {
      // (1 - y) x + (1 + (pw - 1) y) log(1 + exp(-x))
      const lw = add(mul(sub(opts.posWeight, 1), y), 1);
      loss = add(mul(sub(1, y), input), mul(lw, softplusNeg));
    } else {
      loss = add(mul(sub(1, y), input), softplusNeg);
    }
    return reduce('binaryCrossEntropyWithLogits', loss, opts.reduction);
  });
}

/**
 * Zeroes each element with probability p while training and scales the rest
 * by 1 / (1 - p); the identity otherwise.
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  checkTensor('dropout', x);
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`dropout: p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return reshape(x, x.shape);
  return ENGINE.tidy(() => {
    if (p === 1) return mul(x, 0);
    const keep = ge(rand(x.shape, { dtype: isFloat(x.dtype) ? x.dtype : 'float32' }), p);
    return mul(x, mul(cast(keep, x.dtype), 1 / (1 - p)));
  });
}
