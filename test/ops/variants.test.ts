// Every build of the kernels (simd, relaxed) with one thread and with two
// equals the js reference, tile edges included. With two threads every GEMM
// and convolution is split here, whatever its size; results are identical
// bitwise to one thread where the summation order is the same (GEMM by rows,
// convolutions by image).
import { afterAll, describe, expect, it } from 'vitest';
import { tuning } from '../../src/backends/wasm/kernels/linalg.js';
import { simdSupport } from '../../src/backends/wasm/loader.js';
import { ENGINE } from '../../src/engine/engine.js';
import { compareOn } from '../helpers/cases.js';
import { on, wg } from '../helpers/index.js';
import { ELEMENTWISE_CASES } from './cases/elementwise.js';
import { CONV_CASES, MATMUL_CASES } from './cases/linalg.js';
import { REDUCE_CASES } from './cases/reduce.js';

/** A representative part of the elementwise family: the relaxed build changes the multiply-adds in these. */
const PICK = new Set([
  'unary exp',
  'unary tanh',
  'unary gelu',
  'unary sin',
  'unary log1p',
  'binary add',
  'binary pow',
  'unary special values',
  'where with broadcasting and strided inputs',
]);
const builds = (['simd', 'relaxed'] as const).filter((v) => simdSupport()[v]);
const saved = tuning.parallelMinFlops;
afterAll(() => {
  tuning.parallelMinFlops = saved;
});

it('runs the relaxed build here (vitest passes --experimental-wasm-relaxed-simd to Node 20)', () => {
  expect(builds).toEqual(['simd', 'relaxed']);
});

for (const variant of builds) {
  for (const threads of [1, 2]) {
    describe(`${variant} build, ${threads} thread(s)`, () => {
      const start = async () => {
        await wg.init({ backend: 'js' });
        const info = await wg.init({ backend: 'wasm', variant, threads });
        expect(info).toMatchObject({ variant, threads });
        tuning.parallelMinFlops = 0;
      };
      for (const g of [...MATMUL_CASES, ...CONV_CASES]) {
        it(g.name, async () => {
          await start();
          await g.run(compareOn('wasm'));
        });
      }
      for (const g of [...ELEMENTWISE_CASES.filter((c) => PICK.has(c.name)), ...REDUCE_CASES.slice(0, 3)]) {
        it(g.name, async () => {
          await start();
          await g.run(compareOn('wasm'));
        });
      }
    });
  }
}

describe('threads', () => {
  it('give results identical to one thread, bitwise, for GEMM and convolutions', async () => {
    const run = async (threads: number) => {
      await wg.init({ backend: 'wasm', variant: 'simd', threads });
      tuning.parallelMinFlops = 0;
      return on('wasm', () =>
        wg.tidy(() => {
          wg.seed(11);
          const a = wg.randn([67, 129]);
          const b = wg.randn([129, 45]);
          const x = wg.randn([5, 3, 9, 9]);
          const w = wg.randn([4, 3, 3, 3]);
          const y = wg.conv2d(x, w, { padding: 1 });
          const dy = wg.randn(y.shape);
          return [wg.matmul(a, b), wg.matmul(a.T.contiguous().T, b), y, wg.convTranspose2d(dy, w, { padding: 1 })].map((t) => Array.from(t.dataSync()));
        }),
      );
    };
    const one = await run(1);
    const two = await run(2);
    two.forEach((v, i) => expect(v, `output ${i}`).toEqual(one[i]));
  });
});

describe('a worker that dies', () => {
  it('makes the next parallel op throw a BackendError instead of hanging, and init starts a new pool', async () => {
    await wg.init({ backend: 'wasm', variant: 'simd', threads: 2 });
    tuning.parallelMinFlops = 0;
    const backend = ENGINE.getBackend('wasm') as unknown as { pool: { workers: { terminate(): Promise<number> }[] } };
    await backend.pool.workers[0].terminate();
    await new Promise((r) => setTimeout(r, 50));
    const a = on('wasm', () => wg.randn([64, 64]));
    expect(() => on('wasm', () => wg.tidy(() => void wg.matmul(a, a)))).toThrow(/worker exited/);
    a.dispose();
    const info = await wg.init({ backend: 'wasm', variant: 'simd', threads: 2 });
    expect(info.threads).toBe(2);
    const b = on('wasm', () => wg.randn([64, 64]));
    expect(on('wasm', () => wg.tidy(() => wg.matmul(b, b).shape))).toEqual([64, 64]);
    b.dispose();
  });
});
