// The table of differentiable ops for the gradient suites: each case builds
// its inputs (float64 data away from kinks) and the function to differentiate.
import { Random } from '../../src/core/random.js';
import { wg } from '../helpers/index.js';

export interface GradCase {
  name: string;
  /** Input shapes and value ranges; `int` inputs are indices (not differentiated). */
  inputs: { shape: number[]; lo?: number; hi?: number; int?: number[]; away?: number }[];
  f: (...xs: wg.Tensor[]) => wg.Tensor;
  /** Skip the order-2 check. */
  order1Only?: boolean;
  /** Looser finite differences, for cases that pass through float32. */
  check?: { eps: number; atol: number; rtol: number };
}

const u = (shape: number[], lo = -1.5, hi = 1.5, away?: number) => ({ shape, lo, hi, away });
const pos = (shape: number[], lo = 0.3, hi = 2) => ({ shape, lo, hi });
const idx = (values: number[], shape = [values.length]) => ({ shape, int: values });

/** Data for a case's inputs: uniform in [lo, hi), at least `away` from 0, and distinct (so max/min have no ties). */
export function makeInputs(c: GradCase, seed = 1): wg.Tensor[] {
  const r = new Random(seed);
  return c.inputs.map((s) => {
    if (s.int) return wg.tensor(s.int, { shape: s.shape, dtype: 'int32' });
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data: number[] = [];
    while (data.length < n) {
      const v = (s.lo ?? -1) + ((s.hi ?? 1) - (s.lo ?? -1)) * r.uniform();
      if (s.away !== undefined && Math.abs(v) < s.away) continue;
      if (data.some((w) => Math.abs(w - v) < 1e-3)) continue;
      data.push(v);
    }
    return wg.tensor(data, { shape: s.shape, dtype: 'float64' });
  });
}

const unary = (name: string, f: (x: wg.Tensor) => wg.Tensor, spec = u([2, 3])): GradCase => ({ name, inputs: [spec], f });
const binary = (name: string, f: (a: wg.Tensor, b: wg.Tensor) => wg.Tensor, a = u([2, 3]), b = u([3])): GradCase => ({ name, inputs: [a, b], f });

export const GRAD_CASES: GradCase[] = [
  unary('neg', wg.neg),
  unary('exp', wg.exp),
  unary('log', wg.log, pos([2, 3])),
  unary('sqrt', wg.sqrt, pos([2, 3])),
  unary('rsqrt', wg.rsqrt, pos([2, 3])),
  unary('abs', wg.abs, u([2, 3], -1.5, 1.5, 0.1)),
  unary('sign', wg.sign, u([2, 3], -1.5, 1.5, 0.1)),
  unary('tanh', wg.tanh),
  unary('sigmoid', wg.sigmoid),
  unary('relu', wg.relu, u([2, 3], -1.5, 1.5, 0.1)),
  unary('leakyRelu', (x) => wg.leakyRelu(x, 0.2), u([2, 3], -1.5, 1.5, 0.1)),
  unary('elu', (x) => wg.elu(x, 0.7), u([2, 3], -1.5, 1.5, 0.1)),
  unary('gelu', (x) => wg.gelu(x)),
  unary('gelu tanh', (x) => wg.gelu(x, 'tanh')),
  unary('softplus', (x) => wg.softplus(x, 2, 2), u([2, 3], -1.5, 1.5, 0.1)),
  unary('sin', wg.sin),
  unary('cos', wg.cos),
  unary('square', wg.square),
  unary('reciprocal', wg.reciprocal, pos([2, 3])),
  unary('clamp', (x) => wg.clamp(x, -0.5, 0.6), u([2, 3], -1.5, 1.5)),
  unary('erf', wg.erf),
  unary('floor', wg.floor, u([2, 3], 0.1, 0.9)),
  unary('ceil', wg.ceil, u([2, 3], 0.1, 0.9)),
  unary('round', wg.round, u([2, 3], 0.1, 0.4)),
  unary('expm1', wg.expm1),
  unary('log1p', wg.log1p, pos([2, 3])),
  binary('add', wg.add),
  binary('sub', wg.sub, u([3]), u([2, 3])),
  binary('mul', wg.mul, u([2, 1]), u([3])),
  binary('div', wg.div, u([2, 3]), pos([2, 1])),
  binary('pow', wg.pow, pos([2, 3]), u([3])),
  binary('pow by a number', (a) => wg.pow(a, 3), u([2, 3]), u([1])),
  binary('maximum', wg.maximum),
  binary('minimum', wg.minimum, u([2, 1]), u([2, 3])),
  { name: 'where', inputs: [idx([1, 0, 1, 1, 0, 0], [2, 3]), u([2, 3]), u([3])], f: (c, a, b) => wg.where(c, a, b) },
  unary('sum', (x) => wg.sum(x, 1)),
  unary('sum all', (x) => wg.sum(x), u([2, 3, 2])),
  unary('sum axes keepdim', (x) => wg.sum(x, [0, 2], true), u([2, 3, 2])),
  unary('mean', (x) => wg.mean(x, [0, 2]), u([2, 3, 2])),
  unary('max', (x) => wg.max(x, 1)),
  unary('min', (x) => wg.min(x, 0, true)),
  unary('var', (x) => wg.var(x, 1)),
  unary('std', (x) => wg.std(x, 0, { correction: 0 }), u([3, 2])),
  unary('logsumexp', (x) => wg.logsumexp(x, 1)),
  unary('logsumexp axes', (x) => wg.logsumexp(x, [0, 2]), u([2, 3, 2])),
  unary('softmax', (x) => wg.softmax(x, 1)),
  unary('softmax axis 0', (x) => wg.softmax(x, 0)),
  unary('logSoftmax', (x) => wg.logSoftmax(x, -1)),
  unary('reshape', (x) => x.reshape([3, 2]).mul(x.reshape([3, 2]))),
  unary('flatten', (x) => x.flatten().square(), u([2, 3, 2])),
  unary('squeeze and unsqueeze', (x) => x.unsqueeze(1).square().squeeze(1)),
  unary('transpose', (x) => x.T.matmul(x)),
  unary('permute', (x) => x.permute([2, 0, 1]).contiguous().sin(), u([2, 3, 2])),
  unary('broadcastTo', (x) => x.broadcastTo([4, 2, 3]).square(), u([2, 1])),
  unary('slice', (x) => x.slice([1, 0], [3, 4], [1, 2]).exp(), u([3, 4])),
  unary('narrow and select', (x) => x.narrow(1, 1, 2).select(0, 1).square(), u([3, 4])),
  { name: 'concat', inputs: [u([2, 3]), u([2, 1])], f: (a, b) => wg.concat([a, b, a.square()], 1) },
  { name: 'stack', inputs: [u([3]), u([3])], f: (a, b) => wg.stack([a, b.exp()], 1) },
  unary(
    'split',
    (x) => {
      const [p, q] = wg.split(x, [1, 3], 1);
      return p.mul(q.sum(1, true));
    },
    u([2, 4]),
  ),
  unary('chunk', (x) => wg.chunk(x, 2, 0)[1].exp(), u([4, 2])),
  unary('pad', (x) => wg.pad(x, [1, 2, 0, 1], 0.5).square(), u([2, 3])),
  { name: 'sliceScatter', inputs: [u([3, 4]), u([2, 2])], f: (a, b) => wg.sliceScatter(a, b.exp(), [0, 1], [2, 4], [1, 2]).square() },
  { name: 'gather', inputs: [u([3, 4]), idx([0, 3, 3, 1, 2, 0], [3, 2])], f: (x, i) => wg.gather(x, 1, i).square() },
  { name: 'scatterAdd', inputs: [u([3, 4]), idx([0, 3, 3, 1, 2, 0], [3, 2]), u([3, 2])], f: (x, i, s) => wg.scatterAdd(x, 1, i, s.square()).sin() },
  { name: 'indexSelect', inputs: [u([4, 3]), idx([3, 0, 3])], f: (x, i) => wg.indexSelect(x, 0, i).square() },
  { name: 'indexAdd', inputs: [u([4, 3]), idx([3, 0, 3]), u([3, 3])], f: (x, i, s) => wg.indexAdd(x, 0, i, s.exp()).sin() },
  // Through float32 and back: finite differences need a larger step there.
  { ...unary('cast', (x) => x.cast('float32').cast('float64').square()), check: { eps: 1e-2, atol: 1e-3, rtol: 1e-3 } },
  unary('clone and contiguous', (x) => x.T.contiguous().clone().square()),
  binary('matmul', wg.matmul, u([2, 3]), u([3, 4])),
  binary('matmul batched', wg.matmul, u([2, 2, 3]), u([3, 2])),
  binary('matmul broadcast batches', wg.matmul, u([2, 1, 2, 3]), u([3, 3, 2])),
  binary('matmul vector', wg.matmul, u([3]), u([3, 2])),
  binary('dot', wg.dot, u([4]), u([4])),
  { name: 'linear', inputs: [u([3, 4]), u([2, 4]), u([2])], f: (x, w, b) => wg.linear(x, w, b) },
  { name: 'linear with fused relu', inputs: [u([3, 4]), u([2, 4]), u([2])], f: (x, w, b) => wg.linear(x, w, b, { activation: 'relu' }) },
  binary('outer', wg.outer, u([3]), u([2])),
  {
    name: 'conv2d',
    inputs: [u([2, 2, 5, 5]), u([3, 2, 3, 3]), u([3])],
    f: (x, w, b) => wg.conv2d(x, w, { bias: b, padding: 1 }),
  },
  {
    name: 'conv2d strided dilated grouped',
    inputs: [u([1, 4, 6, 6]), u([2, 2, 2, 2])],
    f: (x, w) => wg.conv2d(x, w, { stride: 2, padding: 1, dilation: [1, 2], groups: 2 }),
  },
  {
    name: 'convTranspose2d',
    inputs: [u([1, 2, 3, 3]), u([2, 3, 3, 3]), u([3])],
    f: (x, w, b) => wg.convTranspose2d(x, w, { bias: b, stride: 2, padding: 1, outputPadding: 1 }),
  },
  {
    name: 'conv2dBackwardWeight',
    inputs: [u([1, 2, 4, 4]), u([1, 3, 4, 4])],
    f: (x, dy) => wg.conv2dBackwardWeight(x, dy, [3, 2, 3, 3], { padding: 1 }),
  },
  unary('maxPool2d', (x) => wg.maxPool2d(x, { kernelSize: 2, stride: 1, padding: 1 }), u([1, 2, 4, 4])),
  unary('avgPool2d', (x) => wg.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }), u([1, 2, 5, 5])),
  {
    name: 'maxPool2dBackward',
    inputs: [u([1, 1, 4, 4]), u([1, 1, 2, 2])],
    f: (x, g) => {
      const [, i] = wg.maxPool2d(x.detach(), { kernelSize: 2, returnIndices: true });
      return wg.maxPool2dBackward(g.mul(x.sum()), i, x.shape);
    },
  },
  unary('avgPool2dBackward', (g) => wg.avgPool2dBackward(g.square(), [1, 2, 4, 4], { kernelSize: 2 }), u([1, 2, 2, 2])),
  { name: 'crossEntropy', inputs: [u([4, 3]), idx([0, 2, 1, 2])], f: (x, y) => wg.crossEntropy(x, y) },
  {
    name: 'crossEntropy smoothing ignore',
    inputs: [u([4, 3]), idx([0, -100, 1, 2])],
    f: (x, y) => wg.crossEntropy(x, y, { labelSmoothing: 0.2 }),
  },
  { name: 'crossEntropy probabilities', inputs: [u([2, 3]), pos([2, 3])], f: (x, p) => wg.crossEntropy(x, p.div(p.sum(1, true))) },
  { name: 'nllLoss', inputs: [u([4, 3]), idx([0, 2, 1, 2])], f: (x, y) => wg.nllLoss(x.logSoftmax(1), y, { reduction: 'sum' }) },
  binary('mseLoss', wg.mseLoss, u([2, 3]), u([2, 3])),
  { name: 'l1Loss', inputs: [u([2, 3]), u([2, 3])], f: (a, b) => wg.l1Loss(a, b.add(3)) },
  { name: 'huberLoss', inputs: [u([2, 3]), u([2, 3])], f: (a, b) => wg.huberLoss(a.mul(2), b, { delta: 0.5 }) },
  {
    name: 'binaryCrossEntropyWithLogits',
    inputs: [u([2, 3]), u([2, 3], 0, 1)],
    f: (x, y) => wg.binaryCrossEntropyWithLogits(x, y, { posWeight: 1.5 }),
  },
  unary('dropout', (x) => {
    wg.seed(3);
    return wg.dropout(x, 0.4, true).square();
  }),
];
