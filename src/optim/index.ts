// wg.optim: optimizers, learning-rate schedulers and gradient clipping with
// torch.optim's semantics (camelCase names).
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, AdamBase, type AdamGroup, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { type ClipGradNormOptions, clipGradNorm } from './clip.js';
export { CosineAnnealingLR } from './cosine-annealing-lr.js';
export { ExponentialLR } from './exponential-lr.js';
export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { LRScheduler, type SchedulerStateDict } from './scheduler.js';
export { SGD, type SGDOptions } from './sgd.js';
export { StepLR } from './step-lr.js';
