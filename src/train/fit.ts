// A small training loop: each step runs in a scope (memory stays flat), the
// model switches between train and eval modes, and progress is reported
// through callbacks.
import { ArgumentError } from '../core/errors.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { noGrad } from '../grad/transforms.js';
import type { Module } from '../nn/module.js';
import { eq } from '../ops/binary.js';
import { argmax } from '../ops/reduce.js';

/** What fit needs from an optimizer (every wg.optim optimizer has it). */
export interface OptimizerLike {
  step(): void;
  zeroGrad(): void;
}

export type LossFn = ((output: Tensor, target: Tensor) => Tensor) | { forward(output: Tensor, target: Tensor): Tensor };

/** Batches of [input, target]; a fresh iteration each epoch (a DataLoader, or an array of pairs). */
export type Batches = Iterable<[Tensor, Tensor]> | (() => Iterable<[Tensor, Tensor]>);

export interface EpochLogs {
  epoch: number;
  loss: number;
  /** Classification accuracy on the training batches (when targets are int32 class ids). */
  accuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  /** Seconds the epoch took, validation included. */
  seconds: number;
}

export interface FitCallbacks {
  onEpochBegin?(epoch: number): void;
  onBatchEnd?(info: { epoch: number; batch: number; loss: number }): void;
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback may return nothing, or true to stop
  onEpochEnd?(logs: EpochLogs): void | boolean;
}

export interface FitOptions {
  optimizer: OptimizerLike;
  loss: LossFn;
  data: Batches;
  epochs: number;
  validation?: Batches;
  /** Called after each epoch; return true from onEpochEnd to stop early. */
  callbacks?: FitCallbacks;
  /** Something with step() (or step(metric)) called after each epoch, e.g. a wg.optim scheduler. */
  scheduler?: { step(metric?: number): void };
}

export interface History {
  loss: number[];
  accuracy: (number | null)[];
  valLoss: (number | null)[];
  valAccuracy: (number | null)[];
}

const callLoss = (loss: LossFn, out: Tensor, y: Tensor) => (typeof loss === 'function' ? loss(out, y) : loss.forward(out, y));
const iterate = (b: Batches) => (typeof b === 'function' ? b() : b);

/** The number of correct class predictions in a batch, or null when targets are not class ids. */
function correct(out: Tensor, y: Tensor): number | null {
  if (y.dtype !== 'int32' || out.ndim !== y.ndim + 1) return null;
  return ENGINE.tidy(() => eq(argmax(out, 1), y).sum().item());
}

/** Loss and accuracy of `model` over `data`, in eval mode and without recording. */
export function evaluate(model: Module, data: Batches, loss: LossFn): { loss: number; accuracy: number | null } {
  const wasTraining = model.training;
  model.eval();
  let total = 0;
  let n = 0;
  let right: number | null = 0;
  try {
    for (const [x, y] of iterate(data)) {
      ENGINE.tidy(() =>
        noGrad(() => {
          const out = model.forward(x);
          const b = x.shape[0];
          total += callLoss(loss, out, y).item() * b;
          n += b;
          const c = correct(out, y);
          right = c === null || right === null ? null : right + c;
        }),
      );
      disposeBatch(data, x, y);
    }
  } finally {
    model.train(wasTraining);
  }
  if (n === 0) throw new ArgumentError('evaluate: the data yielded no batches');
  return { loss: total / n, accuracy: right === null ? null : right / n };
}

/** Batches made by a loader are ours to free; batches from an array belong to the caller. */
function disposeBatch(data: Batches, x: Tensor, y: Tensor): void {
  if (Array.isArray(data)) return;
  x.dispose();
  y.dispose();
}

/** Trains `model` for `epochs` epochs and returns the per-epoch history. */
export function fit(model: Module, opts: FitOptions): History {
  const { optimizer, loss, data, epochs } = opts;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ArgumentError(`fit: epochs must be a positive integer, got ${epochs}`);
  if (!optimizer || typeof optimizer.step !== 'function') throw new ArgumentError('fit: optimizer must have step() and zeroGrad()');
  const history: History = { loss: [], accuracy: [], valLoss: [], valAccuracy: [] };
  for (let epoch = 0; epoch < epochs; epoch++) {
    const t0 = performance.now();
    opts.callbacks?.onEpochBegin?.(epoch);
    model.train();
    let total = 0;
    let n = 0;
    let right: number | null = 0;
    let batch = 0;
    for (const [x, y] of iterate(data)) {
      if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new ArgumentError('fit: each batch must be a pair [input, target] of tensors');
      const [l, c] = ENGINE.tidy(() => {
        optimizer.zeroGrad();
        const out = model.forward(x);
        const lossT = callLoss(loss, out, y);
        lossT.backward();
        optimizer.step();
        return [lossT.item(), noGrad(() => correct(out, y))] as const;
      });
      const b = x.shape[0];
      total += l * b;
      n += b;
      right = c === null || right === null ? null : right + c;
      disposeBatch(data, x, y);
      opts.callbacks?.onBatchEnd?.({ epoch, batch: batch++, loss: l });
    }
    if (n === 0) throw new ArgumentError('fit: the data yielded no batches');
    const val = opts.validation ? evaluate(model, opts.validation, loss) : null;
    const logs: EpochLogs = {
      epoch,
      loss: total / n,
      accuracy: right === null ? null : right / n,
      valLoss: val?.loss ?? null,
      valAccuracy: val?.accuracy ?? null,
      seconds: (performance.now() - t0) / 1000,
    };
    history.loss.push(logs.loss);
    history.accuracy.push(logs.accuracy);
    history.valLoss.push(logs.valLoss);
    history.valAccuracy.push(logs.valAccuracy);
    opts.scheduler?.step(logs.valLoss ?? logs.loss);
    if (opts.callbacks?.onEpochEnd?.(logs) === true) break;
  }
  optimizer.zeroGrad();
  return history;
}
