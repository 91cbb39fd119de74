// clipGradNorm: torch.nn.utils.clip_grad_norm_. The total norm is the norm of
// the per-gradient norms (as if every gradient were one vector); gradients are
// scaled in place by min(maxNorm / (total + 1e-6), 1). The 1e-6 keeps the
// coefficient finite for zero gradients and leaves the clipped norm just under maxNorm.
import { ArgumentError } from '../core/errors.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { noGrad } from '../grad/transforms.js';
import { show } from './validate.js';

export interface ClipGradNormOptions {
  /** Throw if the total norm is NaN or infinite (torch's error_if_nonfinite). */
  errorIfNonfinite?: boolean;
}

/** The p-norm of one gradient, as a number (computed in the gradient's dtype). */
function norm(g: Tensor, p: number): number {
  if (g.size === 0) return 0;
  return ENGINE.tidy(() => {
    if (p === Infinity) return g.abs().max().item();
    if (p === 1) return g.abs().sum().item();
    if (p === 2) return g.square().sum().sqrt().item();
    return g
      .abs()
      .pow(p)
      .sum()
      .pow(1 / p)
      .item();
  });
}

/**
 * Scales the gradients of `params` so that their total `normType`-norm is at
 * most `maxNorm`, and returns the total norm before clipping. Parameters
 * without a gradient are skipped; normType may be Infinity (or 'inf').
 */
export function clipGradNorm(params: Tensor | Tensor[], maxNorm: number, normType: number | 'inf' = 2, opts: ClipGradNormOptions = {}): number {
  const op = 'clipGradNorm';
  const list = params instanceof Tensor ? [params] : params;
  if (!Array.isArray(list) || list.some((p) => !(p instanceof Tensor))) throw new ArgumentError(`${op}: params must be a tensor or an array of tensors`);
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) throw new ArgumentError(`${op}: invalid maxNorm: ${show(maxNorm)}`);
  const p = normType === 'inf' ? Infinity : normType;
  if (typeof p !== 'number' || !(p > 0)) throw new ArgumentError(`${op}: invalid normType: ${show(normType)} (expected a positive number or Infinity)`);
  const grads = list.filter((t) => t.grad !== null).map((t) => (t.grad as Tensor).assertAlive(op));
  if (grads.length === 0) return 0;
  const norms = noGrad(() => grads.map((g) => norm(g, p)));
  const total = p === Infinity ? Math.max(...norms) : norms.reduce((s, n) => s + n ** p, 0) ** (1 / p);
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ArgumentError(`${op}: the total norm of order ${p} of the gradients is ${total}, so they cannot be clipped (errorIfNonfinite)`);
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  // torch always multiplies by the clamped coefficient; by 1 changes nothing, and NaN spreads as in torch.
  if (!(coef >= 1)) noGrad(() => grads.forEach((g) => g.mul_(coef)));
  return total;
}
