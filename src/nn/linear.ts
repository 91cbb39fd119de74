// Affine and convolution layers with PyTorch's default initialisation:
// weights kaiming-uniform with a = sqrt(5), i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
// and biases U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
import { ArgumentError } from '../core/errors.js';
import type { Tensor } from '../engine/tensor.js';
import { type Conv2dOptions, conv2d, type Pair } from '../ops/conv.js';
import { linear } from '../ops/linalg.js';
import { empty } from './empty.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { Module, parameter } from './module.js';

function checkSize(layer: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new ArgumentError(`${layer}: ${name} must be a positive integer, got ${v}`);
}

function resetAffine(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const [fanIn] = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}

export interface LinearOptions {
  bias?: boolean;
}

/** y = x W^T + b, with W [outFeatures, inFeatures]. */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    checkSize('Linear', 'inFeatures', inFeatures);
    checkSize('Linear', 'outFeatures', outFeatures);
    this.weight = parameter(empty([outFeatures, inFeatures]));
    this.bias = opts.bias === false ? null : parameter(empty([outFeatures]));
    resetAffine(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

export interface Conv2dLayerOptions {
  stride?: Pair;
  padding?: Pair | 'valid' | 'same';
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

/** 2-D convolution over NCHW input with weight [out, in / groups, kH, kW]. */
export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  private opts: Conv2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    opts: Conv2dLayerOptions = {},
  ) {
    super();
    checkSize('Conv2d', 'inChannels', inChannels);
    checkSize('Conv2d', 'outChannels', outChannels);
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups || outChannels % groups) {
      throw new ArgumentError(`Conv2d: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`);
    }
    const [kH, kW] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    checkSize('Conv2d', 'kernelSize', kH);
    checkSize('Conv2d', 'kernelSize', kW);
    this.weight = parameter(empty([outChannels, inChannels / groups, kH, kW]));
    this.bias = opts.bias === false ? null : parameter(empty([outChannels]));
    resetAffine(this.weight, this.bias);
    this.opts = { stride: opts.stride, padding: opts.padding, dilation: opts.dilation, groups };
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, { ...this.opts, bias: this.bias });
  }

  protected override extraRepr(): string {
    const [, , kH, kW] = this.weight.shape;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${kH}, ${kW}], stride=${JSON.stringify(this.opts.stride ?? 1)}, padding=${JSON.stringify(this.opts.padding ?? 0)}`;
  }
}
