// The linear-algebra case table of the shared op suite: matmul in all of
// torch.matmul's forms, convolution (and its backward convolutions), pooling.
import { type CaseGroup, group } from '../../helpers/cases.js';
import { EDGE_SIZES, type Input, randomInput, rng, wg } from '../../helpers/index.js';

const TOL = { rtol: 1e-4, atol: 1e-4 };
const mat = randomInput;

export const MATMUL_CASES: CaseGroup[] = [
  group('2-D over the tile edges, in all four transpose combinations', async (cmp) => {
    const r = rng(1);
    for (const m of EDGE_SIZES.filter((n) => n <= 65)) {
      for (const [k, n] of [
        [m, 17],
        [9, m],
        [33, 5],
        [1, m],
      ]) {
        const a = mat(r, [m, k]);
        const b = mat(r, [k, n]);
        await cmp([a, b], wg.matmul, TOL, `${m}x${k} @ ${k}x${n}`);
        await cmp([{ ...a, permuted: [1, 0] }, b], wg.matmul, TOL, `A^T-stored ${m}x${k}x${n}`);
        await cmp([a, { ...b, permuted: [1, 0] }], wg.matmul, TOL, `B^T-stored ${m}x${k}x${n}`);
        const both: Input[] = [
          { ...a, permuted: [1, 0] },
          { ...b, permuted: [1, 0] },
        ];
        await cmp(both, wg.matmul, TOL, `both transposed ${m}x${k}x${n}`);
      }
    }
  }),

  group('larger products and the shapes training produces', async (cmp) => {
    const r = rng(2);
    for (const [m, k, n] of [
      [129, 127, 65],
      [64, 784, 32],
      [128, 256, 16],
    ]) {
      await cmp([mat(r, [m, k]), mat(r, [k, n])], wg.matmul, TOL, `${m}x${k}x${n}`);
    }
    await cmp([mat(r, [64, 100]), mat(r, [32, 100])], (a, b) => a.matmul(b.T), TOL, 'A B^T');
    await cmp([mat(r, [64, 100]), mat(r, [64, 32])], (a, b) => a.T.matmul(b), TOL, 'A^T B');
  }),

  group("torch.matmul's forms: 1-D operands and broadcast batches", async (cmp) => {
    const r = rng(3);
    await cmp([mat(r, [7]), mat(r, [7])], wg.matmul, TOL, '1-D @ 1-D');
    await cmp([mat(r, [5, 7]), mat(r, [7])], wg.matmul, TOL, '2-D @ 1-D');
    await cmp([mat(r, [7]), mat(r, [7, 5])], wg.matmul, TOL, '1-D @ 2-D');
    await cmp([mat(r, [3, 5, 7]), mat(r, [7, 4])], wg.matmul, TOL, '3-D @ 2-D');
    await cmp([mat(r, [5, 7]), mat(r, [3, 7, 4])], wg.matmul, TOL, '2-D @ 3-D');
    await cmp([mat(r, [2, 1, 5, 7]), mat(r, [3, 7, 4])], wg.matmul, TOL, 'broadcast batches');
    await cmp([mat(r, [2, 3, 5, 7], { permuted: [1, 0, 3, 2] }), mat(r, [2, 3, 7, 4], { permuted: [0, 2, 1, 3] })], wg.matmul, TOL, 'strided batches');
    await cmp([mat(r, [3, 4, 7]), mat(r, [7])], wg.matmul, TOL, '3-D @ 1-D');
    await cmp([mat(r, [6]), mat(r, [6])], wg.dot, TOL, 'dot');
    await cmp([mat(r, [4]), mat(r, [6])], wg.outer, TOL, 'outer');
  }),
];

const geometries: { x: number[]; w: number[]; opts: wg.Conv2dOptions }[] = [
  { x: [1, 1, 5, 5], w: [1, 1, 3, 3], opts: {} },
  { x: [2, 3, 7, 8], w: [4, 3, 3, 3], opts: { padding: 1 } },
  { x: [2, 4, 9, 9], w: [6, 2, 3, 3], opts: { stride: 2, padding: 1, groups: 2 } },
  { x: [1, 5, 8, 7], w: [5, 1, 3, 3], opts: { padding: 1, groups: 5 } },
  { x: [2, 3, 9, 9], w: [4, 3, 2, 3], opts: { stride: [2, 1], padding: [0, 2], dilation: [2, 1] } },
  { x: [3, 8, 4, 5], w: [7, 8, 1, 1], opts: {} },
  { x: [2, 1, 28, 28], w: [6, 1, 5, 5], opts: {} },
  { x: [1, 4, 5, 5], w: [3, 4, 5, 5], opts: { padding: 2 } },
  { x: [1, 2, 7, 7], w: [3, 2, 3, 3], opts: { padding: 'same', dilation: 2 } },
  { x: [1, 2, 6, 6], w: [3, 2, 2, 2], opts: { padding: 'same' } },
  // 3x3, unit stride, 8+ channels in and out per group: the Winograd F(2x2, 3x3) path,
  // with odd output sizes (partial tiles), groups, and asymmetric padding.
  { x: [2, 8, 9, 11], w: [12, 8, 3, 3], opts: { padding: 1 } },
  { x: [1, 16, 7, 6], w: [16, 8, 3, 3], opts: { groups: 2 } },
  { x: [1, 9, 6, 7], w: [8, 9, 3, 3], opts: { padding: [2, 0] } },
  // Depthwise 3x3 over rows of 16 and more: rows two at a time, and an odd last row.
  { x: [1, 4, 7, 20], w: [4, 1, 3, 3], opts: { padding: 1, groups: 4 } },
];

export const CONV_CASES: CaseGroup[] = [
  group('conv2d forward, with and without bias', async (cmp) => {
    const r = rng(4);
    for (const g of geometries) {
      const what = `x ${g.x} w ${g.w} ${JSON.stringify(g.opts)}`;
      await cmp([mat(r, g.x), mat(r, g.w)], (x, w) => wg.conv2d(x, w, g.opts), TOL, what);
      await cmp([mat(r, g.x), mat(r, g.w), mat(r, [g.w[0]])], (x, w, b) => wg.conv2d(x, w, { ...g.opts, bias: b }), TOL, `${what} bias`);
    }
    await cmp([mat(r, [2, 3, 6, 6], { permuted: [0, 2, 3, 1] }), mat(r, [4, 3, 3, 3])], (x, w) => wg.conv2d(x, w), TOL, 'strided input');
  }),

  group('conv2d backward convolutions (input and weight gradients)', async (cmp) => {
    const r = rng(5);
    for (const g of geometries.filter((g) => g.opts.padding !== 'same')) {
      const what = `x ${g.x} w ${g.w} ${JSON.stringify(g.opts)}`;
      const out = wg.tidy(() => [...wg.conv2d(wg.zeros(g.x), wg.zeros(g.w), g.opts).shape]);
      const o = g.opts as { stride?: number; padding?: number; dilation?: number; groups?: number };
      await cmp([mat(r, g.x), mat(r, out)], (x, dy) => wg.conv2dBackwardWeight(x, dy, g.w, o), TOL, `${what} dW`);
      const xShape = g.x;
      const convT = (dy: wg.Tensor, w: wg.Tensor) => {
        // conv_transpose with the outputPadding that restores the input's size
        const sizes = [2, 3].map((i) => {
          const s = Array.isArray(o.stride) ? o.stride[i - 2] : (o.stride ?? 1);
          const p = Array.isArray(o.padding) ? o.padding[i - 2] : (o.padding ?? 0);
          const d = Array.isArray(o.dilation) ? o.dilation[i - 2] : (o.dilation ?? 1);
          return xShape[i] - ((out[i] - 1) * s - 2 * p + d * (g.w[i] - 1) + 1);
        });
        return wg.convTranspose2d(dy, w, { ...o, outputPadding: [sizes[0], sizes[1]] });
      };
      await cmp([mat(r, out), mat(r, g.w)], convT, TOL, `${what} dX`);
    }
  }),
];

const poolCases: { x: number[]; k: number | [number, number]; s?: number | [number, number]; p?: number; d?: number }[] = [
  { x: [1, 1, 4, 4], k: 2 },
  { x: [2, 3, 7, 9], k: 3, s: 2, p: 1 },
  { x: [1, 2, 8, 8], k: [2, 3], s: [1, 2] },
  { x: [2, 2, 9, 9], k: 3, s: 1, p: 1, d: 2 },
  { x: [1, 4, 5, 5], k: 5, s: 1, p: 2 },
];

export const POOL_CASES: CaseGroup[] = [
  group('max and average pooling, forward and backward', async (cmp) => {
    const r = rng(6);
    for (const c of poolCases) {
      const what = JSON.stringify(c);
      const x = mat(r, c.x);
      const maxOpts = { kernelSize: c.k, stride: c.s, padding: c.p, dilation: c.d, returnIndices: true } as const;
      await cmp([x], (t) => wg.maxPool2d(t, maxOpts), TOL, `max ${what}`);
      await cmp([{ ...x, data: x.data.map((v) => Math.round(v * 2)) }], (t) => wg.maxPool2d(t, maxOpts), TOL, `max ties ${what}`);
      const maxBackward = (t: wg.Tensor) => {
        const [y, idx] = wg.maxPool2d(t, maxOpts);
        return wg.maxPool2dBackward(wg.onesLike(y).mul(y), idx, t.shape);
      };
      await cmp([x], maxBackward, TOL, `max backward ${what}`);
      if (c.d) continue;
      for (const countIncludePad of [true, false]) {
        const opts = { kernelSize: c.k, stride: c.s, padding: c.p, countIncludePad };
        await cmp([x], (t) => wg.avgPool2d(t, opts), TOL, `avg ${what} ${countIncludePad}`);
        await cmp([x], (t) => wg.avgPool2dBackward(wg.avgPool2d(t, opts), t.shape, opts), TOL, `avg backward ${what} ${countIncludePad}`);
      }
    }
    await cmp([mat(r, [2, 3, 6, 6], { permuted: [0, 2, 3, 1] })], (t) => wg.maxPool2d(t, { kernelSize: 2 }), TOL, 'strided input');
  }),
];
