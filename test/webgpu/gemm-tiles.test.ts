// Every GEMM tiling on webgpu against the js reference. Products are routed to
// a tiling by their size (chooseTile); here each tiling is forced in turn so
// that its edges (partial tiles in M, N and K, partial K slabs, every loader
// kind, batches, the bias and ReLU epilogue, int32, and the three convolutions
// as implicit GEMMs) are covered on small shapes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseTile, gemmTiling, type LargeTile } from '../../src/backends/webgpu/kernels/gemm-large.js';
import { compareAsyncOn, setupWebGpu } from '../helpers/async.js';
import { randomInput, rng, uniform, wg } from '../helpers/index.js';
import { CONV_CASES, MATMUL_CASES } from '../ops/cases/linalg.js';

const TOL = { rtol: 1e-4, atol: 1e-4 };
const mat = randomInput;

const TILINGS: { name: string; tile: LargeTile | 'small' }[] = [
  { name: '32x32', tile: 'small' },
  { name: '64x64 (k slab 16)', tile: { rm: 1, rn: 1, bk: 16 } },
  { name: '128x128 (k slab 16)', tile: { rm: 2, rn: 2, bk: 16 } },
  { name: '128x128 (k slab 8, unrolled)', tile: { rm: 2, rn: 2, bk: 8, unroll: true } },
  { name: '128x64 (k slab 16)', tile: { rm: 2, rn: 1, bk: 16 } },
  { name: '64x128 (k slab 16)', tile: { rm: 1, rn: 2, bk: 16 } },
];

beforeAll(setupWebGpu);
afterAll(() => {
  gemmTiling.force = null;
});

describe('the tiling follows the size of the product', () => {
  it('small products take the 32x32 kernel, large ones the large tiles', () => {
    expect(chooseTile(64, 64, 1)).toBeNull();
    expect(chooseTile(4096, 4096, 1)).toEqual({ rm: 2, rn: 2, bk: 16 });
    // Too few 128x128 workgroups: 64x128, then 64x64.
    expect(chooseTile(1024, 1024, 1)).toEqual({ rm: 1, rn: 2, bk: 16 });
    expect(chooseTile(768, 768, 1)).toEqual({ rm: 1, rn: 1, bk: 16 });
    // A narrow product (a convolution with 64 output channels) takes the tile that fits it.
    expect(chooseTile(65536, 64, 1)).toEqual({ rm: 2, rn: 1, bk: 16 });
    expect(chooseTile(64, 65536, 1)).toEqual({ rm: 1, rn: 2, bk: 16 });
    // Mostly padding: 32x32.
    expect(chooseTile(65536, 20, 1)).toBeNull();
    // Batches count as workgroups too.
    expect(chooseTile(128, 128, 200)).toEqual({ rm: 2, rn: 2, bk: 16 });
  });
});

for (const { name, tile } of TILINGS) {
  describe(`matmul and conv2d on webgpu, ${name} tiling`, () => {
    beforeAll(() => {
      gemmTiling.force = tile;
    });
    afterAll(() => {
      gemmTiling.force = null;
    });
    for (const g of [...MATMUL_CASES, ...CONV_CASES]) it(g.name, () => g.run(compareAsyncOn('webgpu')));

    it('partial tiles and slabs around 64 and 128, every loader kind', async () => {
      const cmp = compareAsyncOn('webgpu');
      const r = rng(11);
      for (const [m, k, n] of [
        [128, 32, 128],
        [129, 17, 131],
        [200, 72, 67],
        [63, 9, 190],
        [256, 4, 128],
      ]) {
        const a = mat(r, [m, k]);
        const b = mat(r, [k, n]);
        await cmp([a, b], wg.matmul, TOL, `${m}x${k}x${n}`);
        await cmp([{ ...a, permuted: [1, 0] }, b], wg.matmul, TOL, `A^T-stored ${m}x${k}x${n}`);
        await cmp([a, { ...b, permuted: [1, 0] }], wg.matmul, TOL, `B^T-stored ${m}x${k}x${n}`);
        // A view with an odd offset: scalar loads.
        await cmp([mat(r, [m, k + 1]), b], (x, y) => x.slice([0, 1]).matmul(y), TOL, `offset view ${m}x${k}x${n}`);
      }
      await cmp([mat(r, [3, 130, 20]), mat(r, [3, 20, 70])], wg.matmul, TOL, 'batched');
    });

    it('bias and ReLU in the epilogue, and int32', async () => {
      const cmp = compareAsyncOn('webgpu');
      const r = rng(12);
      await cmp([mat(r, [150, 40]), mat(r, [130, 40]), mat(r, [130])], (x, w, b) => wg.linear(x, w, b, { activation: 'relu' }), TOL, 'linear relu');
      const ints = (shape: number[]) => ({ ...mat(r, shape), data: uniform(r, shape[0] * shape[1]).map((v) => Math.round(v * 5)), dtype: 'int32' as const });
      await cmp([ints([70, 36]), ints([36, 140])], wg.matmul, { rtol: 0, atol: 0 }, 'int32');
    });
  });
}
