// Warming the kernels at init. V8 first runs WebAssembly in its baseline
// compiler (Liftoff) and optimises a function only once it has run enough; a
// call already running is not switched. So every kernel of the manifests is run
// here, on small scratch buffers in the heap, until V8 has had reason to
// optimise it, before any user call. The optimising compiler works in the
// background; init yields once so that it can finish.
import type { WasmBackend } from './backend.js';
import { CONV_F32, GEMM_F32 } from './manifests/conv.js';
import { FAMILIES } from './manifests/index.js';

/** Rounds of calls per kernel: enough for V8 to tier up each, while init stays well under 300 ms. */
const ROUNDS = 24;
const N = 1024; // elements per elementwise call

export async function warmUp(w: WasmBackend): Promise<void> {
  const k = w.k;
  const bytes = 16 * N * 4;
  const scratch = w.rawAlloc(bytes * 4);
  const [a, b, c, y] = [0, 1, 2, 3].map((i) => scratch + i * bytes);
  // Inputs in (0.5, 1.5): every kernel takes them (log, sqrt, pow, div).
  const f32 = new Float32Array(w.memory.buffer, scratch, (bytes * 3) / 4);
  for (let i = 0; i < f32.length; i++) f32[i] = 0.5 + ((i * 7919) % 1000) / 1000;
  const contiguous = w.desc([N, 1, 1, 1, 1]);
  const strided = (rank: number) => w.desc([32, 32, ...new Array(rank).fill(0).flatMap(() => [1, 32])]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const e of FAMILIES.unary) {
      k[e.export](1, contiguous, a, y, 0.5, 1.5);
      if (round % 4 === 0) k[e.export](2, strided(2), a, y, 0.5, 1.5);
    }
    for (const e of FAMILIES.binary) {
      const d = round % 4 === 0 ? strided(3) : w.desc([N, 1, 1, 1]);
      k[e.export](round % 4 === 0 ? 2 : 1, d, a, b, y);
    }
    for (const e of FAMILIES.where) k[e.export](1, w.desc([N, 1, 1, 1, 1]), c, a, b, y);
    for (const e of FAMILIES.copy) k[e.export](1, w.desc([N, 1, 1]), a, y);
    for (const e of [...FAMILIES.reduce, ...FAMILIES.softmax]) {
      k[e.export](8, N / 8, 1, a, y);
      k[e.export](4, 16, 16, a, y);
    }
    const work = w.workspace(k[`${GEMM_F32.export}_workspace`](64, 64, 64) as number);
    // A B, A^T B and A B^T: each packs its operands differently.
    k[GEMM_F32.export](1, 64, 64, 64, a, 0, 64, 1, b, 0, 64, 1, y, 0, 64, 0, 0, 0, work);
    k[GEMM_F32.export](1, 64, 64, 64, a, 0, 1, 64, b, 0, 64, 1, y, 0, 64, c, 1, 0, work);
    k[GEMM_F32.export](1, 64, 64, 64, a, 0, 64, 1, b, 0, 1, 64, y, 0, 64, 0, 0, 1, work);
    if (round % 2 === 0) {
      // conv: 2 images of 4x12x12, 8 filters 3x3, padding 1; and a 1x1 and a depthwise one.
      for (const geom of [
        [2, 4, 12, 12, 8, 3, 3, 12, 12, 1, 1, 1, 1, 1, 1, 1],
        [2, 8, 8, 8, 8, 1, 1, 8, 8, 1, 1, 0, 0, 1, 1, 1],
        [2, 8, 12, 12, 8, 3, 3, 12, 12, 1, 1, 1, 1, 1, 1, 8],
      ]) {
        const d = w.desc(geom);
        const cw = w.workspace(k.f32_conv2d_workspace(d) as number);
        const [fwd, bwdIn, bwdW] = CONV_F32.map((e) => e.export);
        k[fwd](d, a, b, c, y, cw);
        k[bwdIn](d, y, b, a + 4 * N * 8, cw);
        k[bwdW](d, a, y, b + 4 * N * 8, cw);
      }
      // Max pooling writes its indices to c, which its backward reads.
      const pd = w.desc([2, 4, 12, 12, 2, 2, 6, 6, 2, 2, 0, 0, 1, 1]);
      const [maxFwd, maxBwd, avgFwd, avgBwd] = FAMILIES.pool.map((e) => e.export);
      k[maxFwd](pd, a, y, c);
      k[maxBwd](pd, a, c, y);
      k[avgFwd](pd, 1, a, y);
      k[avgBwd](pd, 0, a, y);
    }
  }
  w.rawFree(scratch, bytes * 4);
  // Let the background compiler finish the functions it was handed.
  await new Promise((resolve) => setTimeout(resolve, 0));
}
