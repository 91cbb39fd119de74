// Shared benchmark machinery: warm-up, timing by batches, the tfjs-wasm peer,
// and the table. Every comparison runs both libraries in this one process,
// warmed up, on the same problem; report ratios, since absolute times on shared
// machines move by up to 2x between runs.
import * as wg from '../dist/index.js';

/** Median seconds per call of fn, after warming up (V8 tiers WASM up only when code is hot). */
export function measure(fn, { warmup = 0.15, batches = 7, batchTime = 0.03 } = {}) {
  return measureAlternating([fn], { warmup, batches, batchTime })[0][0];
}

/**
 * Median seconds per call of fa and of fb, measured side by side: after a warm-up of
 * both, their timed batches alternate (a, b, a, b, ...), so that a slow spell of a
 * shared machine falls on both and leaves their ratio alone. Then the fastest batch
 * of each: on these virtual CPUs a busy neighbour on the same physical core slows
 * every arithmetic-bound kernel for a while, and the fastest batches show the
 * kernels without it.
 */
export function measurePair(fa, fb, opts) {
  const [[ma, mb], [ba, bb]] = measureAlternating([fa, fb], opts);
  return [ma, mb, ba, bb];
}

/** measurePair for any number of functions: [medians, fastest batches]. */
export function measureAlternating(fns, { warmup = 0.15, batches = 9, batchTime = 0.03 } = {}) {
  const reps = fns.map((f) => {
    const t0 = performance.now();
    let n = 0;
    while (n < 3 || performance.now() - t0 < warmup * 1000) {
      f();
      n++;
    }
    return Math.max(1, Math.round((batchTime * 1000) / Math.max((performance.now() - t0) / n, 1e-3)));
  });
  const times = fns.map(() => []);
  for (let b = 0; b < batches; b++) {
    fns.forEach((f, i) => {
      const t0 = performance.now();
      for (let r = 0; r < reps[i]; r++) f();
      times[i].push((performance.now() - t0) / reps[i] / 1000);
    });
  }
  const median = (t) => [...t].sort((x, y) => x - y)[Math.floor(t.length / 2)];
  return [times.map(median), times.map((t) => Math.min(...t))];
}

let tfPromise = null;
/** @tensorflow/tfjs-core on @tensorflow/tfjs-backend-wasm (XNNPACK; single-threaded in Node). */
export function tfjs() {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    return tf;
  })();
  return tfPromise;
}

/** Starts wasmgrad's wasm backend; returns the build in use. */
export async function wasmgrad(opts = {}) {
  const info = await wg.init({ backend: 'wasm', ...opts });
  return { wg, info };
}

export function fmtTime(s) {
  if (s >= 1) return `${s.toFixed(2)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(2)} ms`;
  return `${(s * 1e6).toFixed(1)} us`;
}

/**
 * Prints a table. Each row: { problem, ours, peer, work, unit } where ours/peer
 * are seconds per call and `work` is flops (unit GFLOP/s), bytes (GB/s) or
 * elements (Gelem/s) per call.
 */
export function table(title, rows) {
  const best = rows.some((r) => r.peerBest);
  const head = ['problem', 'wasmgrad', 'rate', 'tfjs-wasm', 'rate', 'speed-up', ...(best ? ['fastest batches: rates', 'speed-up'] : [])];
  const lines = rows.map((r) => {
    const rate = (s) => (s ? `${(r.work / s / 1e9).toFixed(2)} ${r.unit}` : '-');
    const line = [r.problem, fmtTime(r.ours), rate(r.ours), r.peer ? fmtTime(r.peer) : '-', rate(r.peer), r.peer ? `${(r.peer / r.ours).toFixed(2)}x` : '-'];
    if (best) {
      const g = (s) => (r.work / s / 1e9).toFixed(2);
      line.push(r.peerBest ? `${g(r.oursBest)} / ${g(r.peerBest)}` : '-', r.peerBest ? `${(r.peerBest / r.oursBest).toFixed(2)}x` : '-');
    }
    return line;
  });
  console.log(`\n### ${title}\n`);
  printTable(head, lines);
}

/** Prints a Markdown table, its columns padded to their widest cell. */
export function printTable(head, lines) {
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells) => `| ${cells.map((c, i) => String(c).padEnd(w[i])).join(' | ')} |`;
  console.log(fmt(head));
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

/**
 * The WebGPU entry point: navigator.gpu in a browser, else a Node GPU from the
 * `webgpu` package (Dawn), also set as navigator.gpu, where tfjs-backend-webgpu looks.
 */
export async function webgpuEntry() {
  if (globalThis.navigator?.gpu) return globalThis.navigator.gpu;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return gpu;
}

export function header(info) {
  console.log(`wasmgrad benchmarks: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.arch}, wasm build '${info.variant}'`);
  console.log('Median of the timed batches after warm-up (against tfjs: 9 batches each, alternating with its); speed-up = tfjs time / wasmgrad time');
  console.log('(higher is better for wasmgrad); "fastest batches" compares the fastest batch of each (wasmgrad / tfjs rates), free of a busy neighbour core.');
}

/** measure() for functions that return a promise (awaited one call at a time). */
export async function measureAsync(fn, { warmup = 0.15, batches = 7, batchTime = 0.03 } = {}) {
  let t0 = performance.now();
  let n = 0;
  while (n < 3 || performance.now() - t0 < warmup * 1000) {
    await fn();
    n++;
  }
  const one = (performance.now() - t0) / n;
  const reps = Math.max(1, Math.round((batchTime * 1000) / Math.max(one, 1e-3)));
  const times = [];
  for (let b = 0; b < batches; b++) {
    t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    times.push((performance.now() - t0) / reps / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
