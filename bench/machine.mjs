// What this machine's speed depends on, measured side by side in one process:
// start-up, the relaxed-SIMD build against the plain one, two threads against
// one, memory bandwidth (elementwise ops against a TypedArray copy) and the
// accuracy of float32 sums.
import { fmtTime, measure, measurePair, printTable } from './lib.mjs';

const BASE = { backend: 'wasm', variant: 'simd', threads: 1 };

function rows(title, head, lines) {
  console.log(`\n### ${title}\n`);
  printTable(head, lines);
}

/** Start-up in fresh Node processes: importing the package, and await wg.init() (which warms every kernel). */
export async function startup() {
  const { execFileSync } = await import('node:child_process');
  const code = `const t0 = performance.now(); const wg = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    const t1 = performance.now(); await wg.init({ variant: 'simd', threads: 1 }); const t2 = performance.now();
    await wg.init({ threads: 2 }); const t3 = performance.now();
    console.log(JSON.stringify([t1 - t0, t2 - t1, t3 - t2])); process.exit(0);`;
  const runs = [0, 1, 2, 3, 4].map(() => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' })));
  const median = (i) => runs.map((r) => r[i]).sort((a, b) => a - b)[2];
  rows(
    'start-up (fresh processes, median of 5)',
    ['step', 'time'],
    [
      ['import wasmgrad', `${median(0).toFixed(0)} ms`],
      ['await wg.init() (one thread; warms every kernel)', `${median(1).toFixed(0)} ms (target < 300 ms)`],
      ['then await wg.init({ threads: 2 }) (starts a worker)', `${median(2).toFixed(0)} ms`],
    ],
  );
}

/** Seconds for GEMM, conv2d and a few elementwise ops under one init configuration. */
async function suite(wg, opts) {
  const info = await wg.init({ ...BASE, ...opts });
  wg.seed(0);
  const out = {};
  for (const n of [64, 256, 512, 1024]) {
    const a = wg.randn([n, n]);
    out[`GEMM ${n}^3`] = { s: measure(() => wg.tidy(() => void wg.matmul(a, a))), work: 2 * n ** 3, unit: 'GFLOP/s' };
    a.dispose();
  }
  const x = wg.randn([8, 16, 32, 32]);
  const k = wg.randn([32, 16, 3, 3]);
  const flops = 2 * 8 * 32 * 32 * 32 * 16 * 9;
  out['conv2d [8,16,32,32] 3x3 -> 32'] = { s: measure(() => wg.tidy(() => void wg.conv2d(x, k, { padding: 1 }))), work: flops, unit: 'GFLOP/s' };
  const dy = wg.randn([8, 32, 32, 32]);
  out['  backward input'] = { s: measure(() => wg.tidy(() => void wg.convTranspose2d(dy, k, { padding: 1 }))), work: flops, unit: 'GFLOP/s' };
  out['  backward weight'] = { s: measure(() => wg.tidy(() => void wg.conv2dBackwardWeight(x, dy, k.shape, { padding: 1 }))), work: flops, unit: 'GFLOP/s' };
  const v = wg.randn([65536]);
  const r = wg.randn([64, 1024]);
  out['exp 64K'] = { s: measure(() => wg.tidy(() => void v.exp())), work: 65536, unit: 'Gelem/s' };
  out['softmax [64,1024]'] = { s: measure(() => wg.tidy(() => void r.softmax(-1))), work: 65536, unit: 'Gelem/s' };
  wg.dispose([x, k, dy, v, r]);
  return { info, out };
}

/**
 * suite() under two configurations, alternating over a few rounds (a, b, a, b, ...)
 * so that a slow spell of a shared machine falls on both; each time is the median
 * over the rounds.
 */
async function alternate(wg, a, b, rounds = 3) {
  const runs = [[], []];
  for (let r = 0; r < rounds; r++) {
    runs[0].push(await suite(wg, a));
    runs[1].push(await suite(wg, b));
  }
  const median = (list) => {
    const out = {};
    for (const k of Object.keys(list[0].out)) {
      const s = list.map((x) => x.out[k].s).sort((x, y) => x - y)[Math.floor(list.length / 2)];
      out[k] = { ...list[0].out[k], s };
    }
    return { info: list[0].info, out };
  };
  return runs.map(median);
}

/** A table of two suite() results side by side: times, rates, and a's time over b's. */
function compare(title, [na, nb, ratio], a, b) {
  rows(
    title,
    ['problem', na, 'rate', nb, 'rate', ratio],
    Object.keys(a.out).map((k) => [k, fmtTime(a.out[k].s), rate(a.out[k]), fmtTime(b.out[k].s), rate(b.out[k]), `${(a.out[k].s / b.out[k].s).toFixed(2)}x`]),
  );
}

const rate = (r) => `${(r.work / r.s / 1e9).toFixed(2)} ${r.unit}`;

/** The relaxed-SIMD build (FMA) against the plain SIMD build, one thread each. */
export async function variants(wg) {
  const support = wg.env().wasmFeatures;
  if (!support.relaxedSimd) {
    console.log('\n### relaxed SIMD\n\nthis engine does not run relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd; npm run bench passes it)');
    return;
  }
  const [simd, relaxed] = await alternate(wg, { variant: 'simd' }, { variant: 'relaxed' });
  compare('relaxed SIMD (FMA) against plain SIMD, one thread', ['simd', 'relaxed', 'gain'], simd, relaxed);
  await wg.init(BASE);
}

/** Two threads against one, the plain SIMD build; results must be bitwise equal. */
export async function threads(wg) {
  const cores = wg.env().maxThreads;
  if (cores < 2) {
    console.log('\n### threads\n\nthis machine offers one thread');
    return;
  }
  await wg.init({ ...BASE, threads: 1 });
  const check = () =>
    wg.tidy(() => {
      wg.seed(5);
      const a = wg.randn([300, 200]);
      const x = wg.randn([6, 8, 20, 20]);
      const k = wg.randn([16, 8, 3, 3]);
      return [...wg.matmul(a, a.T).dataSync(), ...wg.conv2d(x, k, { padding: 1 }).dataSync()].slice(0, 60000);
    });
  const ref = check();
  await wg.init({ ...BASE, threads: 2 });
  const same = check().every((v, i) => Object.is(v, ref[i]));
  const [one, two] = await alternate(wg, { threads: 1 }, { threads: 2 });
  compare('two threads against one (plain SIMD)', ['1 thread', '2 threads', 'speed-up'], one, two);
  console.log(`\nresults with 2 threads bitwise equal to 1 thread (GEMM, conv2d): ${same}`);
  await wg.init(BASE);
}

/** Elementwise add against a TypedArray copy of the same bytes, and the accuracy of a long float32 sum. */
export async function memory(wg) {
  await wg.init(BASE);
  const lines = [];
  for (const n of [65536, 1 << 20, 1 << 24]) {
    const a = wg.rand([n]);
    const b = wg.rand([n]);
    const src = new Float32Array(n).fill(1);
    const dst = new Float32Array(n);
    const [add, copy] = measurePair(
      () => wg.tidy(() => void a.add(b)),
      () => dst.set(src),
    );
    // add reads two arrays and writes one (12 bytes per element); the copy reads one and writes one (8).
    lines.push([
      `${n}`,
      fmtTime(add),
      `${((12 * n) / add / 1e9).toFixed(1)} GB/s`,
      `${(n / add / 1e9).toFixed(2)} Gelem/s`,
      fmtTime(copy),
      `${((8 * n) / copy / 1e9).toFixed(1)} GB/s`,
    ]);
    wg.dispose([a, b]);
  }
  rows('elementwise add against TypedArray.set (memory bandwidth)', ['elements', 'add', 'bandwidth', 'rate', 'TypedArray.set', 'bandwidth'], lines);
  // float32 sum of 1e7 values against the float64 sum, relative to the sum of |x|.
  wg.seed(1);
  const x = wg.rand([1e7]);
  const data = x.dataSync();
  let exact = 0;
  let abs = 0;
  for (const v of data) {
    exact += v;
    abs += Math.abs(v);
  }
  const got = wg.tidy(() => x.sum().item());
  console.log(`\nfloat32 sum of 1e7 uniform values: error ${(Math.abs(got - exact) / abs).toExponential(2)} of sum |x| (target <= 1e-6)`);
  x.dispose();
}

/**
 * The arithmetic peak of one core (bench/peak/peak.ts: mul + add pairs, and FMA, in
 * registers only) and how close GEMM 1024^3 comes to it: wasmgrad's plain and
 * relaxed builds and tfjs-wasm, one thread each.
 */
export async function peak(wg, tf) {
  const { default: asc } = await import('assemblyscript/asc');
  let bin = null;
  // baseDir bench/peak: no asconfig.json there, so the library's entries stay out.
  const dir = new URL('./peak/', import.meta.url).pathname;
  const flags = ['--baseDir', dir, '-O3', '--enable', 'simd', '--enable', 'relaxed-simd', '--runtime', 'stub', '--outFile', 'peak.wasm'];
  const source = 'peak.ts';
  const { error } = await asc.main([source, ...flags], {
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) bin = contents;
    },
  });
  if (error || !bin) throw new Error(`bench peak: could not compile ${source}: ${error}`);
  if (!WebAssembly.validate(bin)) {
    console.log('\n### peak\n\nthis engine does not run relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)');
    return;
  }
  const { instance } = await WebAssembly.instantiate(bin, { env: { abort() {} } });
  const gflops = (f) => {
    const n = 5e6;
    f(n / 10, 0.5);
    const t = measure(() => f(n, 0.5), { batches: 5, batchTime: 0 });
    return (n * 12 * 8) / t / 1e9;
  };
  const peaks = { muladd: gflops(instance.exports.muladd), fma: gflops(instance.exports.fma) };
  const n = 1024;
  const rate = (s) => (2 * n ** 3) / s / 1e9;
  const ours = {};
  for (const variant of ['simd', 'relaxed']) {
    await wg.init({ ...BASE, variant });
    const a = wg.randn([n, n]);
    ours[variant] = rate(measure(() => wg.tidy(() => void wg.matmul(a, a))));
    a.dispose();
  }
  await wg.init(BASE);
  const ta = tf.randomNormal([n, n]);
  const peer = rate(measure(() => tf.tidy(() => void tf.matMul(ta, ta))));
  ta.dispose();
  const pct = (r, p) => `${((100 * r) / p).toFixed(0)}%`;
  rows(
    'arithmetic peak of one core, and GEMM 1024^3 against it',
    ['measure', 'GFLOP/s', 'of mul + add peak', 'of FMA peak'],
    [
      ['f32x4 mul + add pairs, registers only', peaks.muladd.toFixed(1), '100%', pct(peaks.muladd, peaks.fma)],
      ['f32x4 relaxed FMA, registers only', peaks.fma.toFixed(1), pct(peaks.fma, peaks.muladd), '100%'],
      ['wasmgrad GEMM, simd build', ours.simd.toFixed(1), pct(ours.simd, peaks.muladd), pct(ours.simd, peaks.fma)],
      ['wasmgrad GEMM, relaxed build', ours.relaxed.toFixed(1), pct(ours.relaxed, peaks.muladd), pct(ours.relaxed, peaks.fma)],
      ['tfjs-wasm matMul (XNNPACK, SIMD128)', peer.toFixed(1), pct(peer, peaks.muladd), pct(peer, peaks.fma)],
    ],
  );
}
