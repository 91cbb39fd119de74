// The op suite against PyTorch: every case of test/fixtures/ops.json (written by
// test/fixtures/generate_ops.py from torch) is run on the js and wasm backends.
// The forward result must match torch's (shape, dtype, values), and for the
// differentiable cases out.backward(cotangent) must leave torch's
// vector-Jacobian products in the inputs' .grad.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../../src/engine/backend.js';
import { expectClose, on, setupBackends, type Tol, wg } from '../helpers/index.js';

beforeAll(setupBackends);

// ---------------------------------------------------------------------------
// The fixture

type Encoded = number | 'nan' | 'inf' | '-inf';

interface RawArray {
  shape: number[];
  dtype: wg.DType;
  data: Encoded[];
}

interface Arr {
  shape: number[];
  dtype: wg.DType;
  data: number[];
}

interface RawCase {
  name: string;
  op: string;
  args: Record<string, any>;
  inputs: RawArray[];
  output: RawArray | RawArray[];
  cotangent?: RawArray | (RawArray | null)[];
  grads?: (RawArray | null)[];
}

interface Case {
  name: string;
  op: string;
  args: Record<string, any>;
  inputs: Arr[];
  outputs: Arr[];
  /** Whether the op returns an array of tensors. */
  multi: boolean;
  cotangents: (Arr | null)[] | null;
  grads: (Arr | null)[] | null;
}

const decodeValue = (v: Encoded): number => {
  if (typeof v === 'number') return v;
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  throw new Error(`ops.json: unknown value ${JSON.stringify(v)}`);
};

const decode = (a: RawArray): Arr => ({ shape: a.shape, dtype: a.dtype, data: a.data.map(decodeValue) });

const fixture = JSON.parse(readFileSync(new URL('../fixtures/ops.json', import.meta.url), 'utf8')) as { torch: string; cases: RawCase[] };

const CASES: Case[] = fixture.cases.map((c) => {
  const multi = Array.isArray(c.output);
  const cot = c.cotangent === undefined ? null : Array.isArray(c.cotangent) ? c.cotangent : [c.cotangent];
  return {
    name: c.name,
    op: c.op,
    args: c.args,
    inputs: c.inputs.map(decode),
    outputs: (multi ? (c.output as RawArray[]) : [c.output as RawArray]).map(decode),
    multi,
    cotangents: cot ? cot.map((x) => (x ? decode(x) : null)) : null,
    grads: c.grads ? c.grads.map((x) => (x ? decode(x) : null)) : null,
  };
});

// ---------------------------------------------------------------------------
// From a case's op and args to a wasmgrad call

type T = wg.Tensor;
type Args = Record<string, any>;
type OpFn = (xs: T[], a: Args) => T | T[];

const unary =
  (f: (x: T) => T): OpFn =>
  (xs) =>
    f(xs[0]);
/** A binary op; `scalar` replaces the second operand (or the first with scalarFirst) by a plain number. */
const binary =
  (f: (a: wg.TensorLike, b: wg.TensorLike) => T): OpFn =>
  (xs, a) => {
    if (a.scalar === undefined) return f(xs[0], xs[1]);
    return a.scalarFirst ? f(a.scalar, xs[0]) : f(xs[0], a.scalar);
  };
const reduction =
  (f: (x: T, axis?: wg.Axis, keepdim?: boolean) => T): OpFn =>
  (xs, a) =>
    f(xs[0], a.axis, a.keepdim);
const classWeight = (a: Args, like: T) => (a.weight ? wg.tensor(a.weight, { dtype: like.dtype }) : undefined);
const convOpts = (xs: T[], a: Args) => ({
  bias: a.bias ? xs[2] : null,
  stride: a.stride,
  padding: a.padding,
  dilation: a.dilation,
  groups: a.groups,
});
const poolOpts = (a: Args) => ({
  kernelSize: a.kernelSize,
  stride: a.stride,
  padding: a.padding,
  dilation: a.dilation,
  countIncludePad: a.countIncludePad,
});
const creation = (a: Args) => ({ dtype: a.dtype });

const OPS: Record<string, OpFn> = {
  // elementwise unary
  neg: unary(wg.neg),
  exp: unary(wg.exp),
  log: unary(wg.log),
  sqrt: unary(wg.sqrt),
  rsqrt: unary(wg.rsqrt),
  abs: unary(wg.abs),
  sign: unary(wg.sign),
  tanh: unary(wg.tanh),
  sigmoid: unary(wg.sigmoid),
  relu: unary(wg.relu),
  leakyRelu: (xs, a) => wg.leakyRelu(xs[0], a.negativeSlope),
  elu: (xs, a) => wg.elu(xs[0], a.alpha),
  gelu: (xs, a) => wg.gelu(xs[0], a.approximate),
  softplus: (xs, a) => wg.softplus(xs[0], a.beta, a.threshold),
  sin: unary(wg.sin),
  cos: unary(wg.cos),
  square: unary(wg.square),
  reciprocal: unary(wg.reciprocal),
  clamp: (xs, a) => wg.clamp(xs[0], a.min, a.max),
  erf: unary(wg.erf),
  floor: unary(wg.floor),
  ceil: unary(wg.ceil),
  round: unary(wg.round),
  expm1: unary(wg.expm1),
  log1p: unary(wg.log1p),
  // elementwise binary, comparisons, where
  add: binary(wg.add),
  sub: binary(wg.sub),
  mul: binary(wg.mul),
  div: binary(wg.div),
  pow: binary(wg.pow),
  maximum: binary(wg.maximum),
  minimum: binary(wg.minimum),
  eq: binary(wg.eq),
  ne: binary(wg.ne),
  lt: binary(wg.lt),
  le: binary(wg.le),
  gt: binary(wg.gt),
  ge: binary(wg.ge),
  where: (xs, a) => {
    if (a.a !== undefined) return wg.where(xs[0], a.a, xs[1]);
    if (a.b !== undefined) return wg.where(xs[0], xs[1], a.b);
    return wg.where(xs[0], xs[1], xs[2]);
  },
  // reductions
  sum: reduction(wg.sum),
  mean: reduction(wg.mean),
  max: reduction(wg.max),
  min: reduction(wg.min),
  var: (xs, a) => wg.var(xs[0], a.axis, { correction: a.correction, keepdim: a.keepdim }),
  std: (xs, a) => wg.std(xs[0], a.axis, { correction: a.correction, keepdim: a.keepdim }),
  argmax: (xs, a) => wg.argmax(xs[0], a.axis, a.keepdim),
  argmin: (xs, a) => wg.argmin(xs[0], a.axis, a.keepdim),
  logsumexp: (xs, a) => wg.logsumexp(xs[0], a.axis, a.keepdim),
  softmax: (xs, a) => wg.softmax(xs[0], a.axis),
  logSoftmax: (xs, a) => wg.logSoftmax(xs[0], a.axis),
  // movement
  reshape: (xs, a) => wg.reshape(xs[0], a.shape),
  flatten: (xs, a) => wg.flatten(xs[0], a.startAxis, a.endAxis),
  squeeze: (xs, a) => wg.squeeze(xs[0], a.axis),
  unsqueeze: (xs, a) => wg.unsqueeze(xs[0], a.axis),
  transpose: (xs, a) => wg.transpose(xs[0], a.axis0, a.axis1),
  permute: (xs, a) => wg.permute(xs[0], a.axes),
  broadcastTo: (xs, a) => wg.broadcastTo(xs[0], a.shape),
  expand: (xs, a) => wg.expand(xs[0], a.shape),
  slice: (xs, a) => wg.slice(xs[0], a.begin, a.end, a.step),
  narrow: (xs, a) => wg.narrow(xs[0], a.axis, a.start, a.length),
  select: (xs, a) => wg.select(xs[0], a.axis, a.index),
  // joining and cutting
  concat: (xs, a) => wg.concat(xs, a.axis),
  stack: (xs, a) => wg.stack(xs, a.axis),
  split: (xs, a) => wg.split(xs[0], a.sizeOrSections, a.axis),
  chunk: (xs, a) => wg.chunk(xs[0], a.chunks, a.axis),
  pad: (xs, a) => wg.pad(xs[0], a.padding, a.value),
  sliceScatter: (xs, a) => wg.sliceScatter(xs[0], xs[1], a.begin, a.end, a.step),
  // indexing
  gather: (xs, a) => wg.gather(xs[0], a.axis, xs[1]),
  scatterAdd: (xs, a) => wg.scatterAdd(xs[0], a.axis, xs[1], xs[2]),
  indexSelect: (xs, a) => wg.indexSelect(xs[0], a.axis, xs[1]),
  indexAdd: (xs, a) => wg.indexAdd(xs[0], a.axis, xs[1], xs[2]),
  // linear algebra
  matmul: (xs) => wg.matmul(xs[0], xs[1]),
  dot: (xs) => wg.dot(xs[0], xs[1]),
  outer: (xs) => wg.outer(xs[0], xs[1]),
  linear: (xs) => wg.linear(xs[0], xs[1], xs[2]),
  // convolution and pooling
  conv2d: (xs, a) => wg.conv2d(xs[0], xs[1], convOpts(xs, a)),
  convTranspose2d: (xs, a) => wg.convTranspose2d(xs[0], xs[1], { ...convOpts(xs, a), outputPadding: a.outputPadding }),
  conv2dBackwardWeight: (xs, a) =>
    wg.conv2dBackwardWeight(xs[0], xs[1], a.weightShape, { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups }),
  maxPool2d: (xs, a) => (a.returnIndices ? wg.maxPool2d(xs[0], { ...poolOpts(a), returnIndices: true }) : wg.maxPool2d(xs[0], poolOpts(a))),
  maxPool2dBackward: (xs, a) => wg.maxPool2dBackward(xs[0], xs[1], a.inputShape),
  avgPool2d: (xs, a) => wg.avgPool2d(xs[0], poolOpts(a)),
  avgPool2dBackward: (xs, a) => wg.avgPool2dBackward(xs[0], a.inputShape, poolOpts(a)),
  // losses
  crossEntropy: (xs, a) =>
    wg.crossEntropy(xs[0], xs[1], { reduction: a.reduction, ignoreIndex: a.ignoreIndex, labelSmoothing: a.labelSmoothing, weight: classWeight(a, xs[0]) }),
  nllLoss: (xs, a) => wg.nllLoss(xs[0], xs[1], { reduction: a.reduction, ignoreIndex: a.ignoreIndex, weight: classWeight(a, xs[0]) }),
  mseLoss: (xs, a) => wg.mseLoss(xs[0], xs[1], { reduction: a.reduction }),
  l1Loss: (xs, a) => wg.l1Loss(xs[0], xs[1], { reduction: a.reduction }),
  huberLoss: (xs, a) => wg.huberLoss(xs[0], xs[1], { reduction: a.reduction, delta: a.delta }),
  binaryCrossEntropyWithLogits: (xs, a) =>
    wg.binaryCrossEntropyWithLogits(xs[0], xs[1], {
      reduction: a.reduction,
      posWeight: Array.isArray(a.posWeight) ? wg.tensor(a.posWeight, { dtype: xs[0].dtype }) : a.posWeight,
    }),
  dropout: (xs, a) => wg.dropout(xs[0], a.p, a.training),
  // casts and copies
  cast: (xs, a) => wg.cast(xs[0], a.dtype),
  clone: unary(wg.clone),
  contiguous: unary(wg.contiguous),
  detach: unary(wg.detach),
  // creation
  arange: (_, a) => wg.arange(a.start, a.end, a.step ?? 1, creation(a)),
  linspace: (_, a) => wg.linspace(a.start, a.end, a.steps, creation(a)),
  eye: (_, a) => wg.eye(a.n, a.m ?? a.n, creation(a)),
  full: (_, a) => wg.full(a.shape, a.value, creation(a)),
  zeros: (_, a) => wg.zeros(a.shape, creation(a)),
  ones: (_, a) => wg.ones(a.shape, creation(a)),
  zerosLike: (xs) => wg.zerosLike(xs[0]),
  onesLike: (xs) => wg.onesLike(xs[0]),
  fullLike: (xs, a) => wg.fullLike(xs[0], a.value),
};

/** Exports that are not ops to check against torch (setup, memory, random numbers, plumbing). */
const NOT_OPS = new Set([
  'init',
  'backendInfo',
  'env',
  'setWasmPaths',
  'memory',
  'tidy',
  'keep',
  'dispose',
  'backward',
  'tensor',
  'rand',
  'randn',
  'randint',
  'seed',
  'Tensor',
  // Transforms are checked by the gradient suites (test/grad/), not as ops.
  'grad',
  'grads',
  'valueAndGrad',
  'vjp',
  'jvp',
  'jacobian',
  'hessian',
  'hvp',
  'customGrad',
  'stopGradient',
  'noGrad',
  'enableGrad',
  'gradcheck',
  // The training loop is tested in test/train/.
  'fit',
  'evaluate',
  'GradcheckError',
  'WasmgradError',
  'ShapeError',
  'DTypeError',
  'ArgumentError',
  'DisposedError',
  'OutOfMemoryError',
  'BackendError',
]);
/** Exports that are another export under a second name. */
const ALIASES: Record<string, string> = { variance: 'var' };

// ---------------------------------------------------------------------------
// Tolerances (float32 results are compared with torch's float64 results, rounded)

const F64: Tol = { rtol: 1e-10, atol: 1e-12 };
const F32: Tol = { rtol: 2e-5, atol: 2e-6 };
const F32_ACCUMULATE: Tol = { rtol: 1e-4, atol: 1e-5 };
const ACCUMULATING = new Set([
  'matmul',
  'linear',
  'dot',
  'conv2d',
  'convTranspose2d',
  'conv2dBackwardWeight',
  'var',
  'std',
  'sum',
  'mean',
  'logsumexp',
  'crossEntropy',
  'nllLoss',
  'mseLoss',
  'l1Loss',
  'huberLoss',
  'binaryCrossEntropyWithLogits',
  'avgPool2d',
  'avgPool2dBackward',
  'gelu',
]);

function tolFor(c: Case, dtype: wg.DType, grad: boolean): Tol {
  if (dtype === 'float64') return F64;
  if (grad || ACCUMULATING.has(c.op)) return F32_ACCUMULATE;
  return F32;
}

// ---------------------------------------------------------------------------
// Running a case

function makeTensor(a: Arr, requiresGrad = false): T {
  return wg.tensor(a.data, { shape: a.shape, dtype: a.dtype, requiresGrad });
}

function run(c: Case, xs: T[]): T[] {
  const fn = OPS[c.op];
  if (!fn) throw new Error(`no wasmgrad mapping for op '${c.op}' (case ${c.name}): add it to OPS`);
  const out = fn(xs, c.args);
  if (Array.isArray(out) !== c.multi) throw new Error(`${c.name}: expected ${c.multi ? 'an array of tensors' : 'one tensor'}`);
  return Array.isArray(out) ? out : [out];
}

function checkArray(c: Case, t: T, want: Arr, what: string, grad: boolean): void {
  expect(t.shape, `${what}: shape`).toEqual(want.shape);
  expect(t.dtype, `${what}: dtype`).toBe(want.dtype);
  const got = Array.from(t.dataSync());
  if (want.dtype === 'int32') expect(got, `${what}: values`).toEqual(want.data);
  else expectClose(got, want.data, tolFor(c, want.dtype, grad), what);
}

function checkForward(backend: BackendName, c: Case): void {
  on(backend, () =>
    wg.tidy(() => {
      const outs = run(
        c,
        c.inputs.map((a) => makeTensor(a)),
      );
      expect(outs.length, `${c.name}: number of outputs`).toBe(c.outputs.length);
      outs.forEach((t, i) => {
        expect(t.device, `${c.name}: device`).toBe(backend);
        checkArray(c, t, c.outputs[i], `${c.name} output ${i}`, false);
      });
    }),
  );
}

function checkGrads(backend: BackendName, c: Case): void {
  const grads = c.grads!;
  const cots = c.cotangents!;
  on(backend, () => {
    const leaves: T[] = [];
    try {
      wg.tidy(() => {
        const xs = c.inputs.map((a, i) => makeTensor(a, grads[i] !== null));
        leaves.push(...xs);
        const outs = run(c, xs);
        let ran = 0;
        outs.forEach((o, i) => {
          const cot = cots[i];
          if (!cot) return;
          o.backward(makeTensor(cot));
          ran++;
        });
        expect(ran, `${c.name}: cotangents`).toBeGreaterThan(0);
        grads.forEach((want, i) => {
          if (!want) return;
          const g = xs[i].grad;
          if (g === null) {
            // No gradient reached this input: torch's gradient must be zero.
            expect(
              want.data.every((v) => v === 0),
              `${c.name}: input ${i} got no gradient, torch's is nonzero`,
            ).toBe(true);
            return;
          }
          checkArray(c, g, want, `${c.name} grad of input ${i}`, true);
        });
      });
    } finally {
      for (const x of leaves) x.grad?.dispose();
    }
  });
}

// ---------------------------------------------------------------------------
// The tests

describe('torch fixtures', () => {
  it('were generated by torch and have cases', () => {
    expect(fixture.torch).toMatch(/^\d+\.\d+/);
    expect(CASES.length).toBeGreaterThan(0);
  });

  it('map every op of the fixture', () => {
    const missing = [...new Set(CASES.map((c) => c.op))].filter((op) => !(op in OPS));
    expect(missing, 'ops in ops.json without a mapping in OPS').toEqual([]);
  });

  it('cover every op of the public API', () => {
    const used = new Set(CASES.map((c) => c.op));
    const exported = Object.keys(wg).filter((k) => typeof (wg as Record<string, unknown>)[k] === 'function' && !NOT_OPS.has(k));
    const uncovered = exported.filter((k) => !used.has(ALIASES[k] ?? k));
    expect(uncovered, 'exported ops without a torch case').toEqual([]);
  });
});

for (const backend of ['js', 'wasm'] as BackendName[]) {
  describe(`torch forward on ${backend}`, () => {
    for (const c of CASES) it(c.name, () => checkForward(backend, c));
  });
  describe(`torch gradients on ${backend}`, () => {
    for (const c of CASES.filter((x) => x.grads)) it(c.name, () => checkGrads(backend, c));
  });
}
