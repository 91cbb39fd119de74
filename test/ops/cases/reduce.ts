// The reduction case table of the shared op suite: reductions over every axis
// set, arg-reductions, softmax, log-softmax and logsumexp.
import { type CaseGroup, group } from '../../helpers/cases.js';
import { EDGE_SIZES, type Input, rng, uniform, wg } from '../../helpers/index.js';

const TOL = { rtol: 2e-5, atol: 2e-5 };

const reducers: [string, (x: wg.Tensor, axis?: number | number[], keepdim?: boolean) => wg.Tensor][] = [
  ['sum', wg.sum],
  ['mean', wg.mean],
  ['max', wg.max],
  ['min', wg.min],
  ['var', (x, a, k) => wg.var(x, a, { keepdim: k })],
  ['std', (x, a, k) => wg.std(x, a, { keepdim: k, correction: 0 })],
];

const softmaxes = [
  ['softmax', (x: wg.Tensor, a: number) => wg.softmax(x, a)],
  ['logSoftmax', (x: wg.Tensor, a: number) => wg.logSoftmax(x, a)],
  ['logsumexp', (x: wg.Tensor, a: number) => wg.logsumexp(x, a)],
] as const;

export const REDUCE_CASES: CaseGroup[] = [
  ...reducers.map(([name, f]) =>
    group(`${name} over every axis set`, async (cmp) => {
      for (const n of EDGE_SIZES) {
        const r = rng(n);
        const flat: Input = { data: uniform(r, n, -2, 2), shape: [n] };
        const mat: Input = { data: uniform(r, 3 * n, -2, 2), shape: [3, n] };
        const t3: Input = { data: uniform(r, 2 * n * 5, -2, 2), shape: [2, n, 5] };
        await cmp([flat], (x) => f(x), TOL, `${name} all n=${n}`);
        for (const axis of [0, 1, -1, [0, 1]] as (number | number[])[]) {
          await cmp([mat], (x) => f(x, axis), TOL, `${name} [3,${n}] axis ${axis}`);
          await cmp([mat], (x) => f(x, axis, true), TOL, `${name} [3,${n}] axis ${axis} keepdim`);
        }
        await cmp([{ ...mat, permuted: [1, 0] }], (x) => f(x, 1), TOL, `${name} transposed n=${n}`);
        for (const axis of [[0, 2], [1], [0, 1], [1, 2], [0, 1, 2]] as number[][]) {
          await cmp([t3], (x) => f(x, axis), TOL, `${name} [2,${n},5] axes ${axis}`);
        }
        await cmp([{ ...t3, sliced: true }], (x) => f(x, [0, 2], true), TOL, `${name} sliced n=${n}`);
      }
    }),
  ),

  group('sum of int32 stays int32; mean of int32 is float32', async (cmp) => {
    const x: Input = { data: [1, 2, 3, 4, 5, 6], shape: [2, 3], dtype: 'int32' };
    await cmp([x], (t) => wg.sum(t, 1), TOL, 'int sum');
    await cmp([x], (t) => wg.mean(t, 0), TOL, 'int mean');
    await cmp([x], (t) => wg.max(t), TOL, 'int max');
  }),

  group('reductions propagate NaN and handle infinities and empty axes', async (cmp) => {
    const x: Input = { data: [1, Number.NaN, 3, Number.NEGATIVE_INFINITY, 2, Number.POSITIVE_INFINITY, 0, -1], shape: [2, 4] };
    for (const [name, f] of reducers.slice(0, 4)) {
      await cmp([x], (t) => f(t, 1), TOL, `${name} nan/inf`);
      await cmp([x], (t) => f(t, 0), TOL, `${name} nan/inf axis 0`);
    }
    await cmp([{ data: [], shape: [3, 0] }], (t) => wg.sum(t, 1), TOL, 'sum over an empty axis');
  }),

  group('argmax and argmin pick the first extreme', async (cmp) => {
    for (const n of EDGE_SIZES) {
      const r = rng(n + 3);
      const ties: Input = { data: uniform(r, 3 * n, -2, 2).map(Math.round), shape: [3, n] };
      for (const f of [wg.argmax, wg.argmin]) {
        await cmp([ties], (x) => f(x, 1), TOL, `arg n=${n} axis 1`);
        await cmp([ties], (x) => f(x, 0, true), TOL, `arg n=${n} axis 0`);
        await cmp([ties], (x) => f(x), TOL, `arg n=${n} flat`);
        await cmp([{ ...ties, permuted: [1, 0] }], (x) => f(x, 1), TOL, `arg n=${n} strided`);
      }
    }
    const nan: Input = { data: [1, 5, Number.NaN, 7, Number.NaN], shape: [5] };
    await cmp([nan], (x) => wg.argmax(x), TOL, 'argmax NaN');
    await cmp([nan], (x) => wg.argmin(x), TOL, 'argmin NaN');
  }),

  ...softmaxes.map(([name, f]) =>
    group(`${name} along each axis`, async (cmp) => {
      for (const n of EDGE_SIZES) {
        const r = rng(n + 11);
        const mat: Input = { data: uniform(r, 3 * n, -30, 30), shape: [3, n] };
        await cmp([mat], (x) => f(x, -1), TOL, `${name} n=${n} last`);
        await cmp([mat], (x) => f(x, 0), TOL, `${name} n=${n} first`);
        await cmp([{ ...mat, permuted: [1, 0] }], (x) => f(x, 1), TOL, `${name} n=${n} strided`);
        await cmp([{ data: uniform(r, 2 * n * 3), shape: [2, n, 3] }], (x) => f(x, 1), TOL, `${name} n=${n} middle`);
      }
      const inf: Input = {
        data: [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, Number.NEGATIVE_INFINITY, 2, 3, 1e30, 1, Number.POSITIVE_INFINITY],
        shape: [3, 3],
      };
      await cmp([inf], (x) => f(x, 1), TOL, `${name} infinities`);
    }),
  ),

  group('logsumexp over several axes', async (cmp) => {
    const x: Input = { data: uniform(rng(5), 60, -5, 5), shape: [3, 4, 5] };
    await cmp([x], (t) => wg.logsumexp(t, [0, 2]), TOL, 'lse [0,2]');
    await cmp([x], (t) => wg.logsumexp(t, [1, 2], true), TOL, 'lse [1,2] keepdim');
  }),
];
