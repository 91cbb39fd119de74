// GEMM on WebGPU: wasmgrad against TensorFlow.js's WebGPU backend, same
// adapter, same process. Each library runs k matmuls back to back and then
// reads one element of the last result, which waits for the GPU to finish
// them all without timing the copy of a whole result back to the CPU (64 MB at
// 4096^2, which cost more than the product itself).
//
//   node bench/webgpu-peer.mjs [--max N] [--tilings]
//     --tilings  also times every GEMM tiling of wasmgrad's on each size
//   (needs @tensorflow/tfjs-core and @tensorflow/tfjs-backend-webgpu installed)
import { pathToFileURL } from 'node:url';
import { gemmTiling } from '../dist/backends/webgpu/kernels/gemm-large.js';
import * as wg from '../dist/index.js';
import { fmtTime, printTable, webgpuEntry } from './lib.mjs';

/** Median seconds per op over 5 runs of k ops followed by one read from the last output. */
async function time(runK, budget = 0.5) {
  await runK(2);
  let t0 = performance.now();
  await runK(1);
  const one = (performance.now() - t0) / 1000;
  const k = Math.max(2, Math.min(100, Math.round(budget / Math.max(one, 1e-4))));
  const times = [];
  for (let r = 0; r < 5; r++) {
    t0 = performance.now();
    await runK(k);
    times.push((performance.now() - t0) / 1000 / k);
  }
  times.sort((a, b) => a - b);
  return times[2];
}

/** One wasmgrad matmul timing: k products, then one element of the last read back. */
function oursK(a, b) {
  return async (k) => {
    let y = null;
    for (let i = 0; i < k; i++) {
      y?.dispose();
      y = wg.matmul(a, b);
    }
    const corner = y.slice([0, 0], [1, 1]);
    await corner.data();
    wg.dispose([corner, y]);
  };
}

const TILINGS = [
  ['32x32', 'small'],
  ['64x64/16', { rm: 1, rn: 1, bk: 16 }],
  ['128x64/16', { rm: 2, rn: 1, bk: 16 }],
  ['64x128/16', { rm: 1, rn: 2, bk: 16 }],
  ['128x128/16', { rm: 2, rn: 2, bk: 16 }],
  ['128x128/8', { rm: 2, rn: 2, bk: 8 }],
  ['128x128/16u', { rm: 2, rn: 2, bk: 16, unroll: true }],
  ['128x128/8u', { rm: 2, rn: 2, bk: 8, unroll: true }],
];

export async function webgpuPeer({ max = 4096, tilings = false } = {}) {
  const gpu = await webgpuEntry();
  const info = await wg.init({ backend: 'webgpu', gpu });
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  await tf.setBackend('webgpu');
  await tf.ready();
  console.log(`GEMM on WebGPU, wasmgrad vs tfjs-backend-webgpu: Node ${process.version}, adapter '${info.adapter}'`);
  const rows = [];
  const tilingRows = [];
  for (const n of [256, 512, 1024, 2048, 4096].filter((s) => s <= max)) {
    const a = wg.randn([n, n]);
    const b = wg.randn([n, n]);
    const ta = tf.randomNormal([n, n]);
    const tb = tf.randomNormal([n, n]);
    const peerK = async (k) => {
      let y = null;
      for (let i = 0; i < k; i++) {
        y?.dispose();
        y = tf.matMul(ta, tb);
      }
      const corner = tf.slice(y, [0, 0], [1, 1]);
      await corner.data();
      tf.dispose([corner, y]);
    };
    // Three alternating rounds, the median of each side's rounds.
    const oursT = [];
    const peerT = [];
    for (let round = 0; round < 3; round++) {
      oursT.push(await time(oursK(a, b)));
      peerT.push(await time(peerK));
    }
    const ours = oursT.sort((x, y) => x - y)[1];
    const peer = peerT.sort((x, y) => x - y)[1];
    if (tilings) {
      const rates = [];
      for (const [, tile] of TILINGS) {
        gemmTiling.force = tile;
        rates.push((2 * n ** 3) / (await time(oursK(a, b), 0.25)) / 1e9);
      }
      gemmTiling.force = null;
      tilingRows.push([`${n}^3`, ...rates.map((r) => r.toFixed(0))]);
    }
    wg.dispose([a, b]);
    tf.dispose([ta, tb]);
    const flops = 2 * n ** 3;
    rows.push([
      `${n}^3`,
      fmtTime(ours),
      `${(flops / ours / 1e9).toFixed(0)} GFLOP/s`,
      fmtTime(peer),
      `${(flops / peer / 1e9).toFixed(0)} GFLOP/s`,
      `${(peer / ours).toFixed(2)}x`,
    ]);
  }
  printTable(['GEMM', 'wasmgrad', 'rate', 'tfjs-webgpu', 'rate', 'speed-up'], rows);
  if (tilings) {
    console.log(`\nwasmgrad's GEMM tilings (GFLOP/s; tile M x N / K slab, u: unrolled; 'auto' picks by size):`);
    printTable(['GEMM', ...TILINGS.map(([name]) => name)], tilingRows);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--max');
  await webgpuPeer({ max: at >= 0 ? Number(process.argv[at + 1]) : 4096, tilings: process.argv.includes('--tilings') });
  process.exit(0);
}
