// WebGPU against WASM: GEMM and conv2d over a sweep of sizes, in one process,
// and the size from which the GPU wins (the crossover, a starting point for
// wg.init({ backend: 'auto', autoThreshold })).
//
//   node bench/webgpu.mjs [--max N] [gemm] [conv2d]      (after npm run build)
//
// It has run.mjs's family signature, webgpu(wg, tf), so run.mjs can list it
// as a family (it ignores tf and restores the wasm backend when done).
//
// GPU times are per op with the queue kept busy (k ops, then one wait for the
// queue), which is how ops run inside a step; 'read' is one op plus its
// readback (mapAsync), the latency a lone `await t.data()` sees.
// NOTE: on a software adapter (Mesa lavapipe, SwiftShader: the GPU is the CPU)
// the numbers only show that the harness and kernels work; the crossover means
// something only on real GPU hardware.
import { pathToFileURL } from 'node:url';
import { ENGINE } from '../dist/engine/engine.js';
import * as wg from '../dist/index.js';
import { fmtTime, measure, printTable, webgpuEntry } from './lib.mjs';

/**
 * Median seconds per GPU op: `reps` ops recorded, then one wait for the queue.
 * Each output is disposed before the next op, as a training step's
 * intermediates are, so its buffer is reused rather than a new one created
 * (and zeroed) per op.
 */
async function gpuTime(fn, gpu) {
  const once = async (reps) => {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) wg.tidy(fn).dispose();
    await gpu.finish();
    return (performance.now() - t0) / 1000 / reps;
  };
  await once(2); // pipelines compiled, buffers pooled
  // The GPU idled through the WASM timing and clocks down when idle: keep it
  // busy for a quarter of a second before timing, as a training loop would.
  const warm = performance.now();
  while (performance.now() - warm < 250) await once(4);
  const one = await once(1);
  const reps = Math.max(1, Math.min(200, Math.round(0.05 / Math.max(one, 1e-5))));
  const times = [];
  for (let b = 0; b < 5; b++) times.push(await once(reps));
  times.sort((a, b) => a - b);
  return times[2];
}

async function readLatency(fn) {
  const t0 = performance.now();
  const y = fn();
  await y.data();
  y.dispose();
  return (performance.now() - t0) / 1000;
}

const on = (name, f) => {
  ENGINE.setBackend(name);
  return f();
};

function report(title, rows, unit) {
  console.log(`\n### ${title}\n`);
  const head = ['problem', 'elements out', 'wasm', 'rate', 'webgpu', 'rate', 'read (1 op)', 'gpu speed-up'];
  const lines = rows.map((r) => [
    r.problem,
    String(r.out),
    fmtTime(r.cpu),
    `${(r.work / r.cpu / 1e9).toFixed(2)} ${unit}`,
    fmtTime(r.gpu),
    `${(r.work / r.gpu / 1e9).toFixed(2)} ${unit}`,
    fmtTime(r.read),
    `${(r.cpu / r.gpu).toFixed(2)}x`,
  ]);
  printTable(head, lines);
  // The crossover: the first size from which the GPU wins at every larger size of the sweep.
  let at = null;
  for (let i = rows.length - 1; i >= 0 && rows[i].gpu < rows[i].cpu; i--) at = rows[i];
  console.log(at ? `\ncrossover: the GPU wins from ${at.problem} (${at.out} output elements) up` : '\ncrossover: none in this sweep (WASM wins throughout)');
  return at;
}

async function sweep(problems, make, gpu) {
  const rows = [];
  for (const p of problems) {
    const cpu = on('wasm', () => {
      const { inputs, run } = make(p);
      const t = measure(() => wg.tidy(() => void run(...inputs)));
      wg.dispose(inputs);
      return t;
    });
    const { inputs, run, work, out } = on('webgpu', () => make(p));
    const g = await on('webgpu', () => gpuTime(() => run(...inputs), gpu));
    const read = await on('webgpu', () => readLatency(() => run(...inputs)));
    wg.dispose(inputs);
    rows.push({ problem: p.label, out, cpu, gpu: g, read, work });
  }
  return rows;
}

/** GEMM and conv2d sweeps up to size `max`; `families` picks 'gemm' and/or 'conv2d' (default both). */
export async function webgpu(_wg = wg, _tf = null, { max = 1024, families = [] } = {}) {
  const MAX = max;
  await wg.init({ backend: 'wasm' });
  const info = await wg.init({ backend: 'webgpu', gpu: await webgpuEntry() });
  const gpu = ENGINE.backend;
  console.log(`webgpu vs wasm: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, adapter '${info.adapter}'`);
  console.log('NOTE: on a software adapter (lavapipe, SwiftShader) only correctness of the harness is meaningful, not the speed.');
  if (!families.length || families.includes('gemm')) {
    const sizes = [16, 32, 64, 128, 256, 512, 1024, 2048].filter((n) => n <= MAX);
    const rows = await sweep(
      sizes.map((n) => ({ n, label: `${n}x${n} @ ${n}x${n}` })),
      ({ n }) => ({ inputs: [wg.randn([n, n]), wg.randn([n, n])], run: (a, b) => wg.matmul(a, b), work: 2 * n * n * n, out: n * n }),
      gpu,
    );
    report('GEMM (f32, square)', rows, 'GFLOP/s');
  }
  if (!families.length || families.includes('conv2d')) {
    const cases = [
      [1, 8, 8],
      [4, 16, 16],
      [8, 16, 32],
      [8, 32, 32],
      [16, 64, 32],
      [16, 64, 64],
    ].filter(([, c, hw]) => c * hw <= MAX * 4);
    const rows = await sweep(
      cases.map(([n, c, hw]) => ({ n, c, hw, label: `${n}x${c}x${hw}x${hw} * ${c}x${c}x3x3` })),
      ({ n, c, hw }) => ({
        inputs: [wg.randn([n, c, hw, hw]), wg.randn([c, c, 3, 3])],
        run: (x, w) => wg.conv2d(x, w, { padding: 1 }),
        work: 2 * n * c * hw * hw * c * 9,
        out: n * c * hw * hw,
      }),
      gpu,
    );
    report('conv2d (f32, NCHW, 3x3, padding 1)', rows, 'GFLOP/s');
  }
  await wg.init({ backend: 'wasm' });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--max');
  const max = at >= 0 ? Number(args[at + 1]) : 1024;
  await webgpu(wg, null, { max, families: args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--max') });
  // Dawn's device can keep the event loop alive.
  process.exit(0);
}
