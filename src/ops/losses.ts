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
import { abs, exp, log1p, neg, relu, square } from './unary.js';
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

/**
 * Cross-entropy between logits [N, C, ...] and int32 class targets [N, ...]
 * (or float class probabilities of the logits' shape). Mean by default.
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const s = opts.labelSmoothing ?? 0;
  if (!(s >= 0 && s <= 1)) throw new ArgumentError(`crossEntropy: labelSmoothing must be in [0, 1], got ${s}`);
  checkTensor('crossEntropy', logits);
  checkTensor('crossEntropy', target, 'target');
  if (isFloat(target.dtype)) {
    if (!shapesEqual(target.shape, logits.shape)) {
      throw new ShapeError(`crossEntropy: probability targets must have the logits' shape ${fmt(logits.shape)}, got ${fmt(target.shape)}`);
    }
    return ENGINE.tidy(() => {
      const C = logits.shape[1];
      const t = s > 0 ? add(mul(target, 1 - s), s / C) : target;
      const per = neg(sum(mul(logSoftmax(logits, 1), t), 1));
      return reduce('crossEntropy', per, opts.reduction);
    });
  }
  checkClassTargets('crossEntropy', logits, target);
  return ENGINE.tidy(() => {
    const logp = logSoftmax(logits, 1);
    const nll = nllLoss(logp, target, opts);
    if (s === 0) return nll;
    // Smoothing term: the mean over classes of -log p, averaged like the nll term.
    const C = logits.shape[1];
    const valid = cast(ne(target, opts.ignoreIndex ?? -100), logp.dtype);
    const perSample = mul(neg(sum(logp, 1)), valid);
    const r = opts.reduction ?? 'mean';
    const smooth = r === 'mean' ? div(sum(perSample), sum(valid)) : reduce('crossEntropy', perSample, r);
    return add(mul(nll, 1 - s), mul(smooth, s / C));
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
 * max(x, 0) - x y + log(1 + exp(-|x|)), with an optional posWeight on the positive term.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: { reduction?: Reduction; posWeight?: Tensor | number } = {}): Tensor {
  checkPair('binaryCrossEntropyWithLogits', input, target);
  requireFloat('binaryCrossEntropyWithLogits', input);
  return ENGINE.tidy(() => {
    const y = cast(target, input.dtype);
    const softplusNeg = add(relu(neg(input)), log1p(exp(neg(abs(input))))); // log(1 + exp(-x))
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
