// In-place helpers with torch's arithmetic, so float32 trajectories round like
// PyTorch's (torch's lerp switches formula at weight 0.5, for instance).
import type { Tensor } from '../engine/tensor.js';

/** t += w * (end - t), torch.lerp_'s two forms (the second is exact at w = 1). */
export function lerp_(t: Tensor, end: Tensor, w: number): Tensor {
  if (Math.abs(w) < 0.5) return t.add_(end.sub(t).mul(w));
  return t.copy_(end.sub(end.sub(t).mul(1 - w)));
}

/** The gradient as the update sees it: negated for maximize, plus weightDecay * p (L2 penalty). */
export function effectiveGrad(p: Tensor, grad: Tensor, maximize: boolean, weightDecay: number): Tensor {
  let g = maximize ? grad.neg() : grad;
  if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
  return g;
}
