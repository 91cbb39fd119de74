// The elementwise case table of the shared op suite: every unary and binary
// op, comparisons and where, over sizes at the SIMD edges, with broadcasting
// and non-contiguous inputs.
import { BINARY_OPS, COMPARE_OPS } from '../../../src/backends/wasm/manifests/elementwise.js';
import { type CaseGroup, group } from '../../helpers/cases.js';
import { EDGE_SIZES, type Input, rng, uniform, wg } from '../../helpers/index.js';

type Unary = (x: wg.Tensor) => wg.Tensor;
export const UNARY: [string, Unary, [number, number]][] = [
  ['neg', wg.neg, [-5, 5]],
  ['exp', wg.exp, [-20, 20]],
  ['log', wg.log, [0.001, 100]],
  ['sqrt', wg.sqrt, [0, 100]],
  ['rsqrt', wg.rsqrt, [0.01, 100]],
  ['abs', wg.abs, [-5, 5]],
  ['sign', wg.sign, [-5, 5]],
  ['tanh', wg.tanh, [-10, 10]],
  ['sigmoid', wg.sigmoid, [-20, 20]],
  ['relu', wg.relu, [-5, 5]],
  ['leakyRelu', (x) => wg.leakyRelu(x, 0.1), [-5, 5]],
  ['elu', (x) => wg.elu(x, 1.3), [-5, 5]],
  ['gelu', (x) => wg.gelu(x), [-6, 6]],
  ['softplus', (x) => wg.softplus(x, 2, 5), [-10, 10]],
  ['sin', wg.sin, [-20, 20]],
  ['cos', wg.cos, [-20, 20]],
  ['square', wg.square, [-5, 5]],
  ['reciprocal', wg.reciprocal, [0.05, 20]],
  ['clamp', (x) => wg.clamp(x, -0.5, 0.75), [-2, 2]],
  ['erf', wg.erf, [-4, 4]],
  ['floor', wg.floor, [-5, 5]],
  ['ceil', wg.ceil, [-5, 5]],
  ['round', wg.round, [-5, 5]],
  ['expm1', wg.expm1, [-5, 5]],
  ['log1p', wg.log1p, [-0.9, 10]],
];

const TOL = { rtol: 4e-6, atol: 2e-6 };

function layouts(n: number, lo: number, hi: number, seed: number): [string, Input][] {
  const r = rng(seed);
  return [
    ['contiguous', { data: uniform(r, n, lo, hi), shape: [n] }],
    ['transposed', { data: uniform(r, 3 * n, lo, hi), shape: [3, n], permuted: [1, 0] }],
    ['sliced', { data: uniform(r, 2 * n, lo, hi), shape: [2, n], sliced: true }],
  ];
}

const binaryDomain = (op: string, r: ReturnType<typeof rng>, n: number): [number[], number[]] => {
  if (op === 'pow') return [uniform(r, n, 0.1, 3), uniform(r, n, -2, 2)];
  if (op === 'div') return [uniform(r, n, -3, 3), uniform(r, n, 0.5, 3).map((v, i) => (i % 2 ? v : -v))];
  // Integers make ties, so comparisons and maximum/minimum see equal operands.
  if (COMPARE_OPS.includes(op as never) || op === 'maximum' || op === 'minimum') {
    return [uniform(r, n, -3, 3).map(Math.round), uniform(r, n, -3, 3).map(Math.round)];
  }
  return [uniform(r, n, -3, 3), uniform(r, n, -3, 3)];
};

type BinaryFn = (a: wg.TensorLike, b: wg.TensorLike) => wg.Tensor;
const binaryFn = (op: string) => (wg as unknown as Record<string, BinaryFn>)[op];

export const ELEMENTWISE_CASES: CaseGroup[] = [
  ...UNARY.map(([name, fn, [lo, hi]]) =>
    group(`unary ${name}`, async (cmp) => {
      for (const n of EDGE_SIZES) {
        for (const [layout, inp] of layouts(n, lo, hi, n)) await cmp([inp], fn, TOL, `${name} n=${n} ${layout}`);
      }
    }),
  ),

  group('unary special values', async (cmp) => {
    const special = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-30, -1e-30, 88.5, -88.5, 100, -100];
    for (const [name, fn] of UNARY) await cmp([{ data: special, shape: [special.length] }], fn, TOL, `${name} special`);
  }),

  group('unary on int32 keeps or promotes the dtype like PyTorch', async (cmp) => {
    const inp: Input = { data: [-3, -1, 0, 2, 5, 7, 9], shape: [7], dtype: 'int32' };
    for (const [name, fn] of UNARY.filter(([n]) => !['log', 'sqrt', 'rsqrt', 'reciprocal', 'log1p'].includes(n))) {
      await cmp([inp], fn, TOL, `${name} int32`);
    }
  }),

  ...[...BINARY_OPS, ...COMPARE_OPS].flatMap((op) => {
    const f = binaryFn(op);
    return [
      group(`binary ${op}`, async (cmp) => {
        for (const n of EDGE_SIZES) {
          const r = rng(n + 100);
          const [a, b] = binaryDomain(op, r, 3 * n);
          const cases: [string, Input, Input][] = [
            ['same shape', { data: a.slice(0, n), shape: [n] }, { data: b.slice(0, n), shape: [n] }],
            ['row broadcast', { data: a, shape: [3, n] }, { data: b.slice(0, n), shape: [n] }],
            ['column broadcast', { data: a.slice(0, 3), shape: [3, 1] }, { data: b, shape: [3, n] }],
            ['outer broadcast', { data: a.slice(0, n), shape: [1, n] }, { data: b.slice(0, 3), shape: [3, 1] }],
            ['scalar tensor', { data: a.slice(0, 1), shape: [] }, { data: b.slice(0, n), shape: [n] }],
            ['transposed', { data: a, shape: [3, n], permuted: [1, 0] }, { data: b, shape: [3, n] }],
            ['both strided', { data: a, shape: [3, n], sliced: true }, { data: b, shape: [3, n], permuted: [1, 0] }],
          ];
          for (const [what, x, y] of cases) await cmp([x, y], f, TOL, `${op} n=${n} ${what}`);
          await cmp([{ data: a.slice(0, n), shape: [n] }], (x) => f(x, 1.5), TOL, `${op} n=${n} with a number`);
          await cmp([{ data: a.slice(0, n), shape: [n] }], (x) => f(2.5, x), TOL, `${op} n=${n} number first`);
        }
      }),
      group(`binary ${op} on int32`, async (cmp) => {
        const x: Input = { data: [-3, -1, 0, 2, 5, 7, 9, 4, 1], shape: [9], dtype: 'int32' };
        const y: Input = { data: [2, 1, 3, 2, 5, 1, 9, 4, 2], shape: [9], dtype: 'int32' };
        await cmp([x, y], f, TOL, `${op} int32`);
        await cmp([x, { ...y, dtype: 'float32' }], f, TOL, `${op} int32 with float32`);
      }),
    ];
  }),

  group('binary special values', async (cmp) => {
    const v = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -2];
    const a = v.flatMap((x) => v.map(() => x));
    const b = v.flatMap(() => v);
    for (const op of [...BINARY_OPS, ...COMPARE_OPS]) {
      const inputs: Input[] = [
        { data: a, shape: [a.length] },
        { data: b, shape: [b.length] },
      ];
      await cmp(inputs, binaryFn(op), TOL, `${op} special`);
    }
  }),

  group('where with broadcasting and strided inputs', async (cmp) => {
    for (const n of EDGE_SIZES) {
      const r = rng(n + 7);
      const cond: Input = { data: uniform(r, 3 * n).map((v) => (v > 0 ? 1 : 0)), shape: [3, n], dtype: 'int32' };
      await cmp([cond, { data: uniform(r, n), shape: [n] }, { data: uniform(r, 3), shape: [3, 1] }], wg.where, TOL, `where n=${n}`);
      await cmp([cond, { data: uniform(r, 3 * n), shape: [3, n], permuted: [1, 0] }], (c, a) => wg.where(c, a, 0.5), TOL, `where scalar n=${n}`);
      const floatCond: Input[] = [
        { data: uniform(r, n), shape: [n] },
        { data: uniform(r, n), shape: [n] },
      ];
      await cmp(floatCond, (c, a) => wg.where(c, a, -1), TOL, `where float cond n=${n}`);
    }
  }),

  group('casts and copies between dtypes', async (cmp) => {
    const data = [-2.7, -1.5, -0.5, 0, 0.5, 1.5, 2.7, 1e10, -1e10, Number.NaN, 3.99];
    for (const n of [1, 4, 11]) {
      const inp: Input = { data: data.slice(0, n), shape: [n] };
      await cmp([inp], (x) => x.cast('int32'), TOL, `f32->i32 n=${n}`);
      await cmp([inp], (x) => x.cast('float64'), TOL, `f32->f64 n=${n}`, { float64: true });
      const ints: Input = { data: [1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11].slice(0, n), shape: [n], dtype: 'int32' };
      await cmp([ints], (x) => x.cast('float32'), TOL, `i32->f32 n=${n}`);
    }
    await cmp([{ data: uniform(rng(3), 60), shape: [3, 4, 5], permuted: [2, 0, 1] }], (x) => x.contiguous(), TOL, 'contiguous copy of a permuted view');
  }),

  group('float64 runs on every backend', async (cmp) => {
    const r = rng(9);
    const x: Input = { data: uniform(r, 40), shape: [5, 8], dtype: 'float64' };
    const y: Input = { data: uniform(r, 8), shape: [8], dtype: 'float64' };
    await cmp([x, y], (a, b) => a.mul(b).add(a.exp()).tanh(), { rtol: 1e-12, atol: 1e-12 }, 'float64 chain', { float64: true });
  }),
];
