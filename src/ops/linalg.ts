// Matrix products: matmul in all of torch.matmul's forms, dot and outer.
import { promoteTypes } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes, fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { mul } from './binary.js';
import { cast } from './cast.js';
import { checkTensor, runOp } from './util.js';
import { reshape, squeeze, unsqueeze } from './views.js';

/** A broadcast view of `t` to batch dims `batch` (not recorded: the caller records). */
function batchView(t: Tensor, batch: number[]): Tensor {
  const r = t.ndim;
  const off = batch.length - (r - 2);
  const strides = batch.map((d, i) => (i < off || t.shape[i - off] !== d ? 0 : t.strides[i - off]));
  return ENGINE.makeTensor(t.storage, [...batch, t.shape[r - 2], t.shape[r - 1]], [...strides, t.strides[r - 2], t.strides[r - 1]], t.offset);
}

/** The primitive: a [..., M, K] @ b [..., K, N] with broadcast batch dims. */
function matmulNd(a: Tensor, b: Tensor, shapes: string): Tensor {
  const [M, K] = a.shape.slice(-2);
  const [K2, N] = b.shape.slice(-2);
  if (K !== K2) throw new ShapeError(`matmul: inner dimensions differ: ${shapes}`);
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new ShapeError(`matmul: batch dimensions do not broadcast: ${shapes}`);
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  const ca = a.dtype === dtype ? a : cast(a, dtype);
  const cb = b.dtype === dtype ? b : cast(b, dtype);
  const va = batchView(ca, batch);
  const vb = batchView(cb, batch);
  try {
    const [y] = runOp('matmul', [va, vb], [[[...batch, M, N], dtype]]);
    record('matmul', [ca, cb], y);
    return y;
  } finally {
    va.dispose();
    vb.dispose();
    if (ca !== a) ca.dispose();
    if (cb !== b) cb.dispose();
  }
}

/**
 * Matrix product with torch.matmul's rules: 1-D @ 1-D is a dot product; a 1-D
 * operand gains (then loses) a unit dim; batch dims broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', a, 'first operand');
  checkTensor('matmul', b, 'second operand');
  const shapes = `${fmt(a.shape)} @ ${fmt(b.shape)}`;
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError(`matmul: both operands need at least one dimension: ${shapes}`);
  if (a.ndim >= 2 && b.ndim >= 2) return matmulNd(a, b, shapes);
  return ENGINE.tidy(() => {
    const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
    const b2 = b.ndim === 1 ? unsqueeze(b, -1) : b;
    if (a2.shape[a2.ndim - 1] !== b2.shape[b2.ndim - 2]) throw new ShapeError(`matmul: inner dimensions differ: ${shapes}`);
    let y = matmulNd(a2, b2, shapes);
    if (a.ndim === 1) y = squeeze(y, -2);
    if (b.ndim === 1) y = squeeze(y, -1);
    return y;
  });
}

/** The dot product of two 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkTensor('dot', a, 'first operand');
  checkTensor('dot', b, 'second operand');
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`dot: expected two 1-D tensors of the same length, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  return matmul(a, b);
}

/** The outer product of two 1-D tensors: out[i][j] = a[i] b[j]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor('outer', a, 'first operand');
  checkTensor('outer', b, 'second operand');
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`outer: expected two 1-D tensors, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  return ENGINE.tidy(() => mul(reshape(a, [-1, 1]), reshape(b, [1, -1])));
}

export interface LinearOptions {
  /** Apply ReLU in the same pass (the GEMM's epilogue), as nn.Sequential does for Linear then ReLU. */
  activation?: 'relu' | null;
}

/**
 * x W^T + b, as torch.nn.functional.linear: x [..., in], weight [out, in],
 * bias [out]. Runs as one GEMM with the bias (and an optional ReLU) added in
 * its epilogue.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: LinearOptions = {}): Tensor {
  checkTensor('linear', x);
  checkTensor('linear', weight, 'weight');
  if (weight.ndim !== 2 || x.ndim < 1 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new ShapeError(`linear: input ${fmt(x.shape)} does not fit weight ${fmt(weight.shape)} (need [..., ${weight.shape[1] ?? '?'}])`);
  }
  if (bias) {
    checkTensor('linear', bias, 'bias');
    if (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) throw new ShapeError(`linear: bias must have shape [${weight.shape[0]}], got ${fmt(bias.shape)}`);
  }
  const act = opts.activation ?? null;
  if (act !== null && act !== 'relu') throw new ArgumentError(`linear: activation must be 'relu' or null, got '${String(act)}'`);
  const dtype = [x, weight, ...(bias ? [bias] : [])].map((t) => t.dtype).reduce(promoteTypes);
  return ENGINE.tidy(() => {
    const cast2 = (t: Tensor) => (t.dtype === dtype ? t : cast(t, dtype));
    const x2 = reshape(cast2(x), [-1, x.shape[x.ndim - 1]]);
    const w = cast2(weight);
    const b = bias ? cast2(bias) : null;
    const wt = ENGINE.makeTensor(w.storage, [w.shape[1], w.shape[0]], [w.strides[1], w.strides[0]], w.offset);
    const inputs = b ? [x2, wt, b] : [x2, wt];
    const [y] = runOp('matmul', inputs, [[[x2.shape[0], w.shape[0]], dtype]], act ? { act } : {});
    wt.dispose();
    record(act ? 'linearRelu' : 'linear', b ? [x2, w, b] : [x2, w], y);
    return reshape(y, [...x.shape.slice(0, -1), w.shape[0]]);
  });
}
