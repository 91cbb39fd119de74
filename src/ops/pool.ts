// 2-D max and average pooling (NCHW) and their backward ops, which are public
// and differentiable themselves (second derivatives through pooling work).
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { contiguous } from './cast.js';
import { convOutSize, type Pair, pair } from './conv.js';
import { checkTensor, runOp } from './util.js';

export interface MaxPool2dOptions {
  kernelSize: Pair;
  /** Defaults to kernelSize, as in PyTorch. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

export interface AvgPool2dOptions {
  kernelSize: Pair;
  stride?: Pair;
  padding?: Pair;
  /** Divide by the full window even where it covers padding (PyTorch's default: true). */
  countIncludePad?: boolean;
}

/** @internal */
export interface PoolAttrs {
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  countIncludePad: boolean;
}

function poolAttrs(
  op: string,
  shape: readonly number[],
  dtype: string,
  o: MaxPool2dOptions & { countIncludePad?: boolean },
): { attrs: PoolAttrs; out: number[] } {
  if (!o || o.kernelSize === undefined) throw new ArgumentError(`${op}: kernelSize is required`);
  if (shape.length !== 4) throw new ShapeError(`${op}: input must be 4-D [N, C, H, W], got ${fmt(shape)}`);
  if (dtype === 'int32') throw new DTypeError(`${op}: input must be a float tensor, got int32`);
  const kernelSize = pair(op, 'kernelSize', o.kernelSize, 1, 1);
  const stride = pair(op, 'stride', o.stride ?? kernelSize, 1, 1);
  const padding = pair(op, 'padding', o.padding, 0, 0);
  const dilation = pair(op, 'dilation', o.dilation, 1, 1);
  for (let i = 0; i < 2; i++) {
    if (padding[i] * 2 > kernelSize[i]) {
      throw new ArgumentError(`${op}: padding ${fmt(padding)} must be at most half of kernelSize ${fmt(kernelSize)}`);
    }
  }
  const OH = convOutSize(shape[2], kernelSize[0], stride[0], padding[0], dilation[0]);
  const OW = convOutSize(shape[3], kernelSize[1], stride[1], padding[1], dilation[1]);
  if (OH <= 0 || OW <= 0) throw new ShapeError(`${op}: input ${fmt(shape)} is too small for kernelSize ${fmt(kernelSize)}: output would be ${OH}x${OW}`);
  const attrs = { kernelSize, stride, padding, dilation, countIncludePad: o.countIncludePad ?? true };
  return { attrs, out: [shape[0], shape[1], OH, OW] };
}

/** Max pooling; with `returnIndices`, also the int32 flat index (h * W + w) of each maximum. */
export function maxPool2d(x: Tensor, opts: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, opts: MaxPool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, opts: MaxPool2dOptions & { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  checkTensor('maxPool2d', x);
  const { attrs, out } = poolAttrs('maxPool2d', x.shape, x.dtype, opts);
  const [y, idx] = ENGINE.tidy(() => {
    const c = contiguous(x);
    const [y, idx] = runOp(
      'maxPool2d',
      [c],
      [
        [out, x.dtype],
        [out, 'int32'],
      ],
      attrs,
    );
    // The indices ride along as a non-differentiable input, so the node keeps them.
    record('maxPool2d', [c, idx], y, attrs);
    return [y, idx];
  });
  if (opts.returnIndices) return [y, idx];
  idx.dispose();
  return y;
}

/** The gradient of maxPool2d: scatters dy to the positions of the maxima (summing overlaps). */
export function maxPool2dBackward(dy: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
  checkTensor('maxPool2dBackward', dy);
  checkTensor('maxPool2dBackward', indices, 'indices');
  if (indices.dtype !== 'int32' || dy.ndim !== 4 || indices.shape.some((d, i) => d !== dy.shape[i]) || inputShape.length !== 4) {
    throw new ShapeError(
      `maxPool2dBackward: gradient ${fmt(dy.shape)} and int32 indices ${fmt(indices.shape)} must match, input shape ${fmt(inputShape)} must be 4-D`,
    );
  }
  return ENGINE.tidy(() => {
    const c = contiguous(dy);
    const ci = contiguous(indices);
    const [dx] = runOp('maxPool2dBackward', [c, ci], [[[...inputShape], dy.dtype]]);
    record('maxPool2dBackward', [c, ci], dx, { inputShape: [...inputShape] });
    return dx;
  });
}

/** Average pooling. */
export function avgPool2d(x: Tensor, opts: AvgPool2dOptions): Tensor {
  checkTensor('avgPool2d', x);
  const { attrs, out } = poolAttrs('avgPool2d', x.shape, x.dtype, opts);
  return ENGINE.tidy(() => {
    const c = contiguous(x);
    const [y] = runOp('avgPool2d', [c], [[out, x.dtype]], attrs);
    record('avgPool2d', [c], y, attrs);
    return y;
  });
}

/** The gradient of avgPool2d (its adjoint), for an input of `inputShape`. */
export function avgPool2dBackward(dy: Tensor, inputShape: readonly number[], opts: AvgPool2dOptions): Tensor {
  checkTensor('avgPool2dBackward', dy);
  const { attrs, out } = poolAttrs('avgPool2dBackward', inputShape, dy.dtype, opts);
  if (out.some((d, i) => d !== dy.shape[i])) {
    throw new ShapeError(`avgPool2dBackward: gradient ${fmt(dy.shape)} does not match the pooled shape ${fmt(out)} of input ${fmt(inputShape)}`);
  }
  return ENGINE.tidy(() => {
    const c = contiguous(dy);
    const [dx] = runOp('avgPool2dBackward', [c], [[[...inputShape], dy.dtype]], attrs);
    record('avgPool2dBackward', [c], dx, attrs);
    return dx;
  });
}
