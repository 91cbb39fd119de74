// GEMM on WebGPU: wasmgrad against TensorFlow.js's WebGPU backend, same
// adapter, same process. Each library runs k matmuls back to back and then
// reads the last result (the read is amortised over k).
//
//   node bench/webgpu-peer.mjs [--max N]    (needs @tensorflow/tfjs-core and
//                                             @tensorflow/tfjs-backend-webgpu installed)
import { pathToFileURL } from 'node:url';
import * as wg from '../dist/index.js';
import { fmtTime } from './lib.mjs';

async function gpuEntry() {
  if (globalThis.navigator?.gpu) return globalThis.navigator.gpu;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  // tfjs-backend-webgpu looks for navigator.gpu.
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return gpu;
}

/** Median seconds per op over 5 runs of k ops followed by one read of the last output. */
async function time(runK) {
  await runK(2);
  let t0 = performance.now();
  await runK(1);
  const one = (performance.now() - t0) / 1000;
  const k = Math.max(2, Math.min(100, Math.round(0.5 / Math.max(one, 1e-4))));
  const times = [];
  for (let r = 0; r < 5; r++) {
    t0 = performance.now();
    await runK(k);
    times.push((performance.now() - t0) / 1000 / k);
  }
  times.sort((a, b) => a - b);
  return times[2];
}

export async function webgpuPeer({ max = 4096 } = {}) {
  const gpu = await gpuEntry();
  const info = await wg.init({ backend: 'webgpu', gpu });
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  await tf.setBackend('webgpu');
  await tf.ready();
  console.log(`GEMM on WebGPU, wasmgrad vs tfjs-backend-webgpu: Node ${process.version}, adapter '${info.adapter}'`);
  const rows = [];
  for (const n of [256, 512, 1024, 2048, 4096].filter((s) => s <= max)) {
    const a = wg.randn([n, n]);
    const b = wg.randn([n, n]);
    const ours = await time(async (k) => {
      let y = null;
      for (let i = 0; i < k; i++) {
        y?.dispose();
        y = wg.matmul(a, b);
      }
      await y.data();
      y.dispose();
    });
    const ta = tf.randomNormal([n, n]);
    const tb = tf.randomNormal([n, n]);
    const peer = await time(async (k) => {
      let y = null;
      for (let i = 0; i < k; i++) {
        y?.dispose();
        y = tf.matMul(ta, tb);
      }
      await y.data();
      y.dispose();
    });
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
  const head = ['GEMM', 'wasmgrad', 'rate', 'tfjs-webgpu', 'rate', 'speed-up'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (c) => `| ${c.map((s, i) => s.padEnd(w[i])).join(' | ')} |`;
  console.log(fmt(head));
  console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  for (const r of rows) console.log(fmt(r));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--max');
  await webgpuPeer({ max: at >= 0 ? Number(process.argv[at + 1]) : 4096 });
  process.exit(0);
}
