// Embedding: a lookup table of vectors indexed by int32 ids.
import { ArgumentError, DTypeError } from '../core/errors.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { noGrad, stopGradient } from '../grad/transforms.js';
import { eq, where } from '../ops/binary.js';
import { indexSelect } from '../ops/indexing.js';
import { flatten, reshape, unsqueeze } from '../ops/views.js';
import { empty } from './empty.js';
import { normal_, zeros_ } from './init.js';
import { Module, parameter } from './module.js';

export interface EmbeddingOptions {
  /** This id's vector starts at zero and receives no gradient. */
  paddingIdx?: number;
}

export class Embedding extends Module {
  weight: Tensor;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: EmbeddingOptions = {},
  ) {
    super();
    if (!Number.isInteger(numEmbeddings) || numEmbeddings <= 0 || !Number.isInteger(embeddingDim) || embeddingDim <= 0) {
      throw new ArgumentError(`Embedding: sizes must be positive integers, got ${numEmbeddings} and ${embeddingDim}`);
    }
    let pad = opts.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) throw new ArgumentError(`Embedding: paddingIdx ${pad} is out of range`);
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    // N(0, 1), as PyTorch.
    this.weight = parameter(normal_(empty([numEmbeddings, embeddingDim])));
    if (pad !== null) {
      const row = this.weight.narrow(0, pad, 1);
      noGrad(() => zeros_(row));
      row.dispose();
    }
  }

  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') throw new DTypeError(`Embedding: ids must be int32, got ${ids.dtype}`);
    return ENGINE.tidy(() => {
      const out = reshape(indexSelect(this.weight, 0, flatten(ids)), [...ids.shape, this.embeddingDim]);
      if (this.paddingIdx === null) return out;
      // The padding row keeps its value in the output but passes no gradient.
      return where(unsqueeze(eq(ids, this.paddingIdx), -1), stopGradient(out), out);
    });
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
