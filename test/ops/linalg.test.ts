// The shared op suite: matmul, convolution and pooling.
import { beforeAll, describe, it } from 'vitest';
import { compareWithReference, EDGE_SIZES, FAST_BACKENDS, type Input, rng, setupBackends, uniform, wg } from '../helpers/index.js';

beforeAll(setupBackends);

const TOL = { rtol: 1e-4, atol: 1e-4 };
const mat = (r: ReturnType<typeof rng>, shape: number[], extra: Partial<Input> = {}): Input => ({
  data: uniform(
    r,
    shape.reduce((a, b) => a * b, 1),
  ),
  shape,
  ...extra,
});

for (const backend of FAST_BACKENDS) {
  describe(`matmul on ${backend}`, () => {
    it('2-D over the tile edges, in all four transpose combinations', () => {
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
          compareWithReference(backend, [a, b], wg.matmul, TOL, `${m}x${k} @ ${k}x${n}`);
          compareWithReference(backend, [{ ...a, permuted: [1, 0] }, b], wg.matmul, TOL, `A^T-stored ${m}x${k}x${n}`);
          compareWithReference(backend, [a, { ...b, permuted: [1, 0] }], wg.matmul, TOL, `B^T-stored ${m}x${k}x${n}`);
          compareWithReference(
            backend,
            [
              { ...a, permuted: [1, 0] },
              { ...b, permuted: [1, 0] },
            ],
            wg.matmul,
            TOL,
            `both transposed ${m}x${k}x${n}`,
          );
        }
      }
    });

    it('larger products and the shapes training produces', () => {
      const r = rng(2);
      for (const [m, k, n] of [
        [129, 127, 65],
        [64, 784, 32],
        [128, 256, 16],
      ]) {
        compareWithReference(backend, [mat(r, [m, k]), mat(r, [k, n])], wg.matmul, TOL, `${m}x${k}x${n}`);
      }
      compareWithReference(backend, [mat(r, [64, 100]), mat(r, [32, 100])], (a, b) => a.matmul(b.T), TOL, 'A B^T');
      compareWithReference(backend, [mat(r, [64, 100]), mat(r, [64, 32])], (a, b) => a.T.matmul(b), TOL, 'A^T B');
    });

    it("torch.matmul's forms: 1-D operands and broadcast batches", () => {
      const r = rng(3);
      compareWithReference(backend, [mat(r, [7]), mat(r, [7])], wg.matmul, TOL, '1-D @ 1-D');
      compareWithReference(backend, [mat(r, [5, 7]), mat(r, [7])], wg.matmul, TOL, '2-D @ 1-D');
      compareWithReference(backend, [mat(r, [7]), mat(r, [7, 5])], wg.matmul, TOL, '1-D @ 2-D');
      compareWithReference(backend, [mat(r, [3, 5, 7]), mat(r, [7, 4])], wg.matmul, TOL, '3-D @ 2-D');
      compareWithReference(backend, [mat(r, [5, 7]), mat(r, [3, 7, 4])], wg.matmul, TOL, '2-D @ 3-D');
      compareWithReference(backend, [mat(r, [2, 1, 5, 7]), mat(r, [3, 7, 4])], wg.matmul, TOL, 'broadcast batches');
      compareWithReference(
        backend,
        [mat(r, [2, 3, 5, 7], { permuted: [1, 0, 3, 2] }), mat(r, [2, 3, 7, 4], { permuted: [0, 2, 1, 3] })],
        wg.matmul,
        TOL,
        'strided batches',
      );
      compareWithReference(backend, [mat(r, [3, 4, 7]), mat(r, [7])], wg.matmul, TOL, '3-D @ 1-D');
      compareWithReference(backend, [mat(r, [6]), mat(r, [6])], wg.dot, TOL, 'dot');
      compareWithReference(backend, [mat(r, [4]), mat(r, [6])], wg.outer, TOL, 'outer');
    });
  });

  describe(`convolution on ${backend}`, () => {
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
    ];
    it('conv2d forward, with and without bias', () => {
      const r = rng(4);
      for (const g of geometries) {
        const what = `x ${g.x} w ${g.w} ${JSON.stringify(g.opts)}`;
        compareWithReference(backend, [mat(r, g.x), mat(r, g.w)], (x, w) => wg.conv2d(x, w, g.opts), TOL, what);
        compareWithReference(backend, [mat(r, g.x), mat(r, g.w), mat(r, [g.w[0]])], (x, w, b) => wg.conv2d(x, w, { ...g.opts, bias: b }), TOL, `${what} bias`);
      }
      compareWithReference(backend, [mat(r, [2, 3, 6, 6], { permuted: [0, 2, 3, 1] }), mat(r, [4, 3, 3, 3])], (x, w) => wg.conv2d(x, w), TOL, 'strided input');
    });

    it('conv2d backward convolutions (input and weight gradients)', () => {
      const r = rng(5);
      for (const g of geometries.filter((g) => g.opts.padding !== 'same')) {
        const what = `x ${g.x} w ${g.w} ${JSON.stringify(g.opts)}`;
        const out = wg.tidy(() => [...wg.conv2d(wg.zeros(g.x), wg.zeros(g.w), g.opts).shape]);
        const o = g.opts as { stride?: number; padding?: number; dilation?: number; groups?: number };
        compareWithReference(backend, [mat(r, g.x), mat(r, out)], (x, dy) => wg.conv2dBackwardWeight(x, dy, g.w, o), TOL, `${what} dW`);
        const xShape = g.x;
        compareWithReference(
          backend,
          [mat(r, out), mat(r, g.w)],
          (dy, w) => {
            // conv_transpose with the outputPadding that restores the input's size
            const sizes = [2, 3].map((i) => {
              const s = Array.isArray(o.stride) ? o.stride[i - 2] : (o.stride ?? 1);
              const p = Array.isArray(o.padding) ? o.padding[i - 2] : (o.padding ?? 0);
              const d = Array.isArray(o.dilation) ? o.dilation[i - 2] : (o.dilation ?? 1);
              return xShape[i] - ((out[i] - 1) * s - 2 * p + d * (g.w[i] - 1) + 1);
            });
            return wg.convTranspose2d(dy, w, { ...o, outputPadding: [sizes[0], sizes[1]] });
          },
          TOL,
          `${what} dX`,
        );
      }
    });
  });

  describe(`pooling on ${backend}`, () => {
    const cases: { x: number[]; k: number | [number, number]; s?: number | [number, number]; p?: number; d?: number }[] = [
      { x: [1, 1, 4, 4], k: 2 },
      { x: [2, 3, 7, 9], k: 3, s: 2, p: 1 },
      { x: [1, 2, 8, 8], k: [2, 3], s: [1, 2] },
      { x: [2, 2, 9, 9], k: 3, s: 1, p: 1, d: 2 },
      { x: [1, 4, 5, 5], k: 5, s: 1, p: 2 },
    ];
    it('max and average pooling, forward and backward', () => {
      const r = rng(6);
      for (const c of cases) {
        const what = JSON.stringify(c);
        const x = mat(r, c.x);
        compareWithReference(
          backend,
          [x],
          (t) => wg.maxPool2d(t, { kernelSize: c.k, stride: c.s, padding: c.p, dilation: c.d, returnIndices: true }),
          TOL,
          `max ${what}`,
        );
        compareWithReference(
          backend,
          [{ ...x, data: x.data.map((v) => Math.round(v * 2)) }],
          (t) => wg.maxPool2d(t, { kernelSize: c.k, stride: c.s, padding: c.p, dilation: c.d, returnIndices: true }),
          TOL,
          `max ties ${what}`,
        );
        compareWithReference(
          backend,
          [x],
          (t) => {
            const [y, idx] = wg.maxPool2d(t, { kernelSize: c.k, stride: c.s, padding: c.p, dilation: c.d, returnIndices: true });
            return wg.maxPool2dBackward(wg.onesLike(y).mul(y), idx, t.shape);
          },
          TOL,
          `max backward ${what}`,
        );
        if (c.d) continue;
        for (const countIncludePad of [true, false]) {
          const opts = { kernelSize: c.k, stride: c.s, padding: c.p, countIncludePad };
          compareWithReference(backend, [x], (t) => wg.avgPool2d(t, opts), TOL, `avg ${what} ${countIncludePad}`);
          compareWithReference(backend, [x], (t) => wg.avgPool2dBackward(wg.avgPool2d(t, opts), t.shape, opts), TOL, `avg backward ${what} ${countIncludePad}`);
        }
      }
      compareWithReference(backend, [mat(r, [2, 3, 6, 6], { permuted: [0, 2, 3, 1] })], (t) => wg.maxPool2d(t, { kernelSize: 2 }), TOL, 'strided input');
    });
  });
}
