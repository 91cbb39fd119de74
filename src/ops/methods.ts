// Tensor methods: every op with the tensor as its first argument, so that
// `x.add(y).relu().sum()` reads like PyTorch.
import type { DType } from '../core/dtype.js';
import { ArgumentError, DTypeError } from '../core/errors.js';
import { Tensor } from '../engine/tensor.js';
import type { BackwardOptions } from '../grad/backward.js';
import { backward } from '../grad/backward.js';
import * as b from './binary.js';
import * as c from './cast.js';
import * as cv from './conv.js';
import * as ix from './indexing.js';
import * as ip from './inplace.js';
import * as j from './join.js';
import * as la from './linalg.js';
import * as l from './losses.js';
import * as p from './pool.js';
import * as r from './reduce.js';
import * as u from './unary.js';
import type { TensorLike } from './util.js';
import * as v from './views.js';

declare module '../engine/tensor.js' {
  interface Tensor {
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    /** `this ? a : b` elementwise (this tensor is the condition). */
    where(a: TensorLike, b: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    leakyRelu(negativeSlope?: number): Tensor;
    elu(alpha?: number): Tensor;
    gelu(approximate?: 'none' | 'tanh'): Tensor;
    softplus(beta?: number, threshold?: number): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    clamp(min?: number | null, max?: number | null): Tensor;
    erf(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    expm1(): Tensor;
    log1p(): Tensor;
    sum(axis?: r.Axis, keepdim?: boolean): Tensor;
    mean(axis?: r.Axis, keepdim?: boolean): Tensor;
    max(axis?: r.Axis, keepdim?: boolean): Tensor;
    min(axis?: r.Axis, keepdim?: boolean): Tensor;
    argmax(axis?: number | null, keepdim?: boolean): Tensor;
    argmin(axis?: number | null, keepdim?: boolean): Tensor;
    var(axis?: r.Axis, opts?: r.VarOptions | boolean): Tensor;
    std(axis?: r.Axis, opts?: r.VarOptions | boolean): Tensor;
    logsumexp(axis: number | number[], keepdim?: boolean): Tensor;
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    reshape(shape: readonly number[]): Tensor;
    flatten(startAxis?: number, endAxis?: number): Tensor;
    squeeze(axis?: number | number[]): Tensor;
    unsqueeze(axis: number): Tensor;
    transpose(axis0?: number, axis1?: number): Tensor;
    permute(axes: readonly number[]): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    /** Same as broadcastTo (PyTorch's name). */
    expand(shape: readonly number[]): Tensor;
    slice(begin: readonly number[], end?: readonly (number | undefined)[], step?: readonly number[]): Tensor;
    narrow(axis: number, start: number, length: number): Tensor;
    select(axis: number, index: number): Tensor;
    split(sizeOrSections: number | number[], axis?: number): Tensor[];
    chunk(chunks: number, axis?: number): Tensor[];
    pad(padding: number[], value?: number): Tensor;
    sliceScatter(src: Tensor, begin: readonly number[], end?: readonly (number | undefined)[], step?: readonly number[]): Tensor;
    gather(axis: number, index: Tensor): Tensor;
    scatterAdd(axis: number, index: Tensor, src: Tensor): Tensor;
    indexSelect(axis: number, index: Tensor): Tensor;
    indexAdd(axis: number, index: Tensor, src: Tensor): Tensor;
    matmul(other: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    outer(other: Tensor): Tensor;
    conv2d(weight: Tensor, opts?: cv.Conv2dOptions): Tensor;
    convTranspose2d(weight: Tensor, opts?: cv.ConvTranspose2dOptions): Tensor;
    maxPool2d(opts: p.MaxPool2dOptions): Tensor;
    avgPool2d(opts: p.AvgPool2dOptions): Tensor;
    crossEntropy(target: Tensor, opts?: l.CrossEntropyOptions): Tensor;
    nllLoss(target: Tensor, opts?: l.NllOptions): Tensor;
    mseLoss(target: Tensor, opts?: { reduction?: l.Reduction }): Tensor;
    binaryCrossEntropyWithLogits(target: Tensor, opts?: { reduction?: l.Reduction; posWeight?: Tensor | number }): Tensor;
    dropout(p?: number, training?: boolean): Tensor;
    cast(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    clone(): Tensor;
    contiguous(): Tensor;
    detach(): Tensor;
    /** Sets requiresGrad (default true) on a leaf and returns it. */
    requiresGrad_(requiresGrad?: boolean): Tensor;
    /** Back-propagates from this tensor into the `.grad` of the leaves. */
    backward(gradient?: Tensor | BackwardOptions | null, opts?: BackwardOptions): void;
    /** The transpose of a matrix. */
    readonly T: Tensor;
    add_(other: TensorLike): Tensor;
    sub_(other: TensorLike): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike): Tensor;
    copy_(src: Tensor): Tensor;
    fill_(value: number): Tensor;
    zero_(): Tensor;
  }
}

type Method = (this: Tensor, ...args: never[]) => unknown;
const methods: Record<string, Method> = {};
const bind = (fns: Record<string, any>, names: string[]) => {
  for (const n of names)
    methods[n] = function (this: Tensor, ...args: unknown[]) {
      return fns[n](this, ...args);
    };
};
bind(b, ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'where']);
bind(u, [
  'neg',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'abs',
  'sign',
  'tanh',
  'sigmoid',
  'relu',
  'leakyRelu',
  'elu',
  'gelu',
  'softplus',
  'sin',
  'cos',
  'square',
  'reciprocal',
  'clamp',
  'erf',
  'floor',
  'ceil',
  'round',
  'expm1',
  'log1p',
]);
bind(r, ['sum', 'mean', 'max', 'min', 'argmax', 'argmin', 'std', 'logsumexp', 'softmax', 'logSoftmax']);
bind({ var: r.variance }, ['var']);
bind(v, ['reshape', 'flatten', 'squeeze', 'unsqueeze', 'transpose', 'permute', 'broadcastTo', 'slice', 'narrow', 'select']);
bind({ expand: v.broadcastTo }, ['expand']);
bind(j, ['split', 'chunk', 'pad', 'sliceScatter']);
bind(ix, ['gather', 'scatterAdd', 'indexSelect', 'indexAdd']);
bind(la, ['matmul', 'dot', 'outer']);
bind(cv, ['conv2d', 'convTranspose2d']);
bind(p, ['maxPool2d', 'avgPool2d']);
bind(l, ['crossEntropy', 'nllLoss', 'mseLoss', 'binaryCrossEntropyWithLogits', 'dropout']);
bind(c, ['cast', 'clone', 'contiguous', 'detach']);
bind({ backward }, ['backward']);
bind(ip, ['add_', 'sub_', 'mul_', 'div_', 'copy_', 'fill_', 'zero_']);

Object.assign(Tensor.prototype, methods, {
  float(this: Tensor) {
    return c.cast(this, 'float32');
  },
  double(this: Tensor) {
    return c.cast(this, 'float64');
  },
  int(this: Tensor) {
    return c.cast(this, 'int32');
  },
  requiresGrad_(this: Tensor, requiresGrad = true) {
    requiresGradSetter(this, requiresGrad);
    return this;
  },
});

Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor) {
    return v.transpose(this);
  },
});

function requiresGradSetter(t: Tensor, on: boolean): void {
  t.assertAlive('requiresGrad_');
  if (!t.isLeaf) {
    throw new ArgumentError(`requiresGrad_: only leaf tensors can change requiresGrad (this one was made by ${t.gradFn?.op}); use detach() first`);
  }
  if (on && t.dtype === 'int32') throw new DTypeError('requiresGrad_: only floating-point tensors can require gradients (got int32)');
  t.requiresGrad = on;
}
