// AdamW: Adam with decoupled weight decay (torch.optim.AdamW), weightDecay 1e-2 by default.
import { AdamBase, type AdamGroup, type AdamOptions } from './adam.js';
import type { ParamsInput } from './optimizer.js';

export type AdamWOptions = AdamOptions;

export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: ParamsInput<AdamGroup>, options?: AdamWOptions) {
    super('AdamW', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false }, options);
  }
}
