// npm start: a short tour of wasmgrad. Builds tensors, runs ops, takes a
// gradient, and times a few kernels.
import * as wg from 'wasmgrad';

const t0 = performance.now();
const info = await wg.init();
console.log(`wasmgrad on the ${info.backend} backend (build '${info.variant}'), ready in ${(performance.now() - t0).toFixed(0)} ms\n`);

wg.tidy(() => {
  const a = wg.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const b = wg.arange(6).reshape([3, 2]);
  console.log('a =', a.toString());
  console.log('a @ b =', a.matmul(b).toString());
  console.log('softmax(a, -1) =', a.softmax(-1).toString());
  console.log('mean over rows =', a.mean(0).toString(), ' std =', a.std().toString());

  // Autodiff: d/dx sum(tanh(W x)^2)
  wg.seed(0);
  const W = wg.randn([3, 3]);
  const x = wg.tensor([0.5, -1, 2], { requiresGrad: true });
  const y = W.matmul(x).tanh().square().sum();
  y.backward();
  console.log('\ny = sum(tanh(W x)^2) =', y.item().toFixed(6));
  console.log('dy/dx =', x.grad.toString());
});

function time(label, fn, flops) {
  for (let i = 0; i < 5; i++)
    wg.tidy(() => {
      fn();
    }); // warm up
  const n = 20;
  const s = performance.now();
  for (let i = 0; i < n; i++)
    wg.tidy(() => {
      fn();
    });
  const ms = (performance.now() - s) / n;
  const rate = flops ? `  ${(flops / ms / 1e6).toFixed(1)} GFLOP/s` : '';
  console.log(`${label.padEnd(36)} ${ms.toFixed(3).padStart(8)} ms${rate}`);
}

console.log('\nTimings (warm, per call):');
const m = wg.randn([512, 512]);
const img = wg.randn([8, 16, 32, 32]);
const k = wg.randn([32, 16, 3, 3]);
const v = wg.randn([1 << 20]);
time('matmul 512x512 @ 512x512', () => m.matmul(m), 2 * 512 ** 3);
time('conv2d [8,16,32,32] * [32,16,3,3]', () => wg.conv2d(img, k, { padding: 1 }), 2 * 8 * 32 * 32 * 32 * 16 * 9);
time('add of 1M floats', () => v.add(v));
time('sum of 1M floats', () => v.sum());
time('softmax of [1024, 1024]', () => v.reshape([1024, 1024]).softmax(-1));
wg.dispose([m, img, k, v]);
console.log('\nmemory:', wg.memory());
