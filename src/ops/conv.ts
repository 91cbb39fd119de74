// 2-D convolution (NCHW, PyTorch's layout and semantics), its transpose and
// its weight gradient. The three form a set closed under differentiation, so
// convolutions have derivatives of every order.
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { add } from './binary.js';
import { contiguous } from './cast.js';
import { pad } from './join.js';
import { checkTensor, runOp } from './util.js';
import { reshape } from './views.js';

export type Pair = number | [number, number];

export interface Conv2dOptions {
  bias?: Tensor | null;
  stride?: Pair;
  /** A number, an [h, w] pair, 'valid' (0) or 'same' (stride 1 only). */
  padding?: Pair | 'valid' | 'same';
  dilation?: Pair;
  groups?: number;
}

export interface ConvTranspose2dOptions {
  bias?: Tensor | null;
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** @internal The geometry attrs every conv kernel takes. */
export interface ConvAttrs {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

export function pair(op: string, name: string, v: Pair | undefined, dflt: number, min: number): [number, number] {
  const p: [number, number] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!Array.isArray(p) || p.length !== 2 || p.some((x) => !Number.isInteger(x) || x < min)) {
    throw new ArgumentError(`${op}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}`);
  }
  return p;
}

function checkGroups(op: string, groups: number | undefined): number {
  const g = groups ?? 1;
  if (!Number.isInteger(g) || g < 1) throw new ArgumentError(`${op}: groups must be a positive integer, got ${groups}`);
  return g;
}

/** Output size of a convolution along one axis. */
export function convOutSize(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

function checkOperands(op: string, x: Tensor, w: Tensor): void {
  checkTensor(op, x);
  checkTensor(op, w, 'weight');
  if (x.ndim !== 4) throw new ShapeError(`${op}: input must be 4-D [N, C, H, W], got ${fmt(x.shape)}`);
  if (w.ndim !== 4) throw new ShapeError(`${op}: weight must be 4-D, got ${fmt(w.shape)}`);
  if (x.dtype !== w.dtype || x.dtype === 'int32') {
    throw new DTypeError(`${op}: input and weight must share a float dtype, got ${x.dtype} and ${w.dtype}`);
  }
}

function checkBias(op: string, bias: Tensor | null | undefined, n: number, dtype: string): void {
  if (!bias) return;
  checkTensor(op, bias, 'bias');
  if (bias.ndim !== 1 || bias.shape[0] !== n) throw new ShapeError(`${op}: bias must have shape [${n}], got ${fmt(bias.shape)}`);
  if (bias.dtype !== dtype) throw new DTypeError(`${op}: bias dtype ${bias.dtype} differs from input dtype ${dtype}`);
}

/** Runs a conv kernel on contiguous copies of its inputs and records it. */
function runConv(kernel: string, inputs: Tensor[], outShape: number[], attrs: ConvAttrs): Tensor {
  return ENGINE.tidy(() => {
    const cs = inputs.map((t) => contiguous(t));
    const [y] = runOp(kernel, cs, [[outShape, cs[0].dtype]], attrs);
    record(kernel, cs, y, attrs);
    return y;
  });
}

/** 2-D convolution: x [N, C, H, W], w [Cout, C/groups, kH, kW], optional bias [Cout]. */
export function conv2d(x: Tensor, w: Tensor, opts: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  checkOperands(op, x, w);
  const [N, C] = x.shape;
  const [Cout, Cg, kH, kW] = w.shape;
  const groups = checkGroups(op, opts.groups);
  const stride = pair(op, 'stride', opts.stride, 1, 1);
  const dilation = pair(op, 'dilation', opts.dilation, 1, 1);
  if (C % groups !== 0 || Cout % groups !== 0 || Cg * groups !== C) {
    throw new ShapeError(
      `${op}: input ${fmt(x.shape)} and weight ${fmt(w.shape)} do not fit groups=${groups} (need C = ${Cg} * groups and Cout divisible by groups)`,
    );
  }
  checkBias(op, opts.bias, Cout, x.dtype);
  let padding: [number, number];
  let input = x;
  if (opts.padding === 'valid') padding = [0, 0];
  else if (opts.padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new ArgumentError(`${op}: padding='same' needs stride 1, got ${fmt(stride)}`);
    const total = [dilation[0] * (kH - 1), dilation[1] * (kW - 1)];
    padding = [Math.floor(total[0] / 2), Math.floor(total[1] / 2)];
    // An odd total pads one more on the bottom/right, as PyTorch does.
    if (total[0] % 2 || total[1] % 2) input = pad(x, [0, total[1] % 2, 0, total[0] % 2]);
  } else padding = pair(op, 'padding', opts.padding, 0, 0);
  const [Hi, Wi] = input.shape.slice(2);
  const OH = convOutSize(Hi, kH, stride[0], padding[0], dilation[0]);
  const OW = convOutSize(Wi, kW, stride[1], padding[1], dilation[1]);
  if (OH <= 0 || OW <= 0) {
    if (input !== x) input.dispose();
    throw new ShapeError(
      `${op}: input ${fmt(x.shape)} is too small for kernel ${kH}x${kW} (dilation ${fmt(dilation)}, padding ${fmt(padding)}): output would be ${OH}x${OW}`,
    );
  }
  const attrs: ConvAttrs = { stride, padding, dilation, groups };
  try {
    const inputs = opts.bias ? [input, w, opts.bias] : [input, w];
    return runConv('conv2d', inputs, [N, Cout, OH, OW], attrs);
  } finally {
    if (input !== x) input.dispose();
  }
}

/**
 * Transposed convolution (the gradient of conv2d with respect to its input):
 * x [N, Cin, H, W], w [Cin, Cout/groups, kH, kW], as torch.nn.functional.conv_transpose2d.
 */
export function convTranspose2d(x: Tensor, w: Tensor, opts: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  checkOperands(op, x, w);
  const [N, Cin, H, W] = x.shape;
  const [Cw, Cg, kH, kW] = w.shape;
  const groups = checkGroups(op, opts.groups);
  const stride = pair(op, 'stride', opts.stride, 1, 1);
  const padding = pair(op, 'padding', opts.padding, 0, 0);
  const dilation = pair(op, 'dilation', opts.dilation, 1, 1);
  const outPad = pair(op, 'outputPadding', opts.outputPadding, 0, 0);
  if (Cw !== Cin || Cin % groups !== 0) {
    throw new ShapeError(`${op}: weight ${fmt(w.shape)} does not fit input ${fmt(x.shape)} with groups=${groups} (need weight [${Cin}, Cout/groups, kH, kW])`);
  }
  for (let i = 0; i < 2; i++) {
    if (outPad[i] >= Math.max(stride[i], dilation[i])) {
      throw new ArgumentError(`${op}: outputPadding ${fmt(outPad)} must be smaller than stride or dilation`);
    }
  }
  const Cout = Cg * groups;
  checkBias(op, opts.bias, Cout, x.dtype);
  const OH = (H - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kH - 1) + outPad[0] + 1;
  const OW = (W - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kW - 1) + outPad[1] + 1;
  if (OH <= 0 || OW <= 0) throw new ShapeError(`${op}: output size would be ${OH}x${OW} for input ${fmt(x.shape)}`);
  const attrs: ConvAttrs = { stride, padding, dilation, groups };
  const y = runConv('conv2dBackwardInput', [x, w], [N, Cout, OH, OW], attrs);
  if (!opts.bias) return y;
  const out = ENGINE.tidy(() => add(y, reshape(opts.bias!, [1, Cout, 1, 1])));
  y.dispose();
  return out;
}

/**
 * The gradient of conv2d with respect to its weight: for input x and output
 * gradient dy, a tensor of `weightShape`. Differentiable in both arguments.
 */
export function conv2dBackwardWeight(
  x: Tensor,
  dy: Tensor,
  weightShape: readonly number[],
  opts: Omit<Conv2dOptions, 'bias' | 'padding'> & { padding?: Pair } = {},
): Tensor {
  const op = 'conv2dBackwardWeight';
  checkOperands(op, x, dy);
  const groups = checkGroups(op, opts.groups);
  const attrs: ConvAttrs = {
    stride: pair(op, 'stride', opts.stride, 1, 1),
    padding: pair(op, 'padding', opts.padding, 0, 0),
    dilation: pair(op, 'dilation', opts.dilation, 1, 1),
    groups,
  };
  const [Cout, Cg, kH, kW] = weightShape;
  const OH = convOutSize(x.shape[2], kH, attrs.stride[0], attrs.padding[0], attrs.dilation[0]);
  const OW = convOutSize(x.shape[3], kW, attrs.stride[1], attrs.padding[1], attrs.dilation[1]);
  if (dy.shape[0] !== x.shape[0] || dy.shape[1] !== Cout || dy.shape[2] !== OH || dy.shape[3] !== OW || Cg * groups !== x.shape[1]) {
    throw new ShapeError(`${op}: input ${fmt(x.shape)}, output gradient ${fmt(dy.shape)} and weight shape ${fmt(weightShape)} do not fit`);
  }
  return runConv('conv2dBackwardWeight', [x, dy], [...weightShape], attrs);
}
