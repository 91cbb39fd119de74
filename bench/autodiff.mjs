// Autodiff benchmarks: the tape's recording cost per op, and forward+backward
// against forward alone for an MLP 784-256-256-10 at batch 128.
import { fmtTime, measureAlternating } from './lib.mjs';

export async function autodiff(wg) {
  console.log('\n### autodiff\n');
  // Recording cost: the same chain of small ops with and without the tape.
  const a = wg.randn([16]).requiresGrad_();
  const b = wg.randn([16]);
  const chain = () => {
    let y = a;
    for (let i = 0; i < 100; i++) y = i % 2 ? y.mul(b) : y.add(b);
    return y;
  };
  // The op path is JavaScript; it needs a longer warm-up than a kernel before V8 has optimised it.
  const warm = { warmup: 1.5, batches: 15 };
  // Timed in alternating batches, so that a slow spell of the machine falls on both.
  const [[plain, recorded]] = measureAlternating([() => wg.tidy(() => void wg.noGrad(chain)), () => wg.tidy(() => void chain())], warm);
  const perOp = (recorded - plain) / 100;
  console.log(`| measure | value |\n|---|---|`);
  console.log(`| op on [16], not recorded | ${fmtTime(plain / 100)} per op |`);
  console.log(`| op on [16], recorded | ${fmtTime(recorded / 100)} per op |`);
  console.log(`| tape recording cost | ${fmtTime(perOp)} per op (target <= 2 us) |`);

  // MLP 784-256-256-10, batch 128.
  wg.seed(0);
  const p = (shape, s) => wg.keep(wg.randn(shape).mul(s).requiresGrad_());
  const W1 = p([784, 256], 0.05);
  const b1 = p([256], 0.01);
  const W2 = p([256, 256], 0.06);
  const b2 = p([256], 0.01);
  const W3 = p([256, 10], 0.06);
  const b3 = p([10], 0.01);
  const params = [W1, b1, W2, b2, W3, b3];
  const x = wg.randn([128, 784]);
  const y = wg.randint(0, 10, [128]);
  const forward = () => wg.crossEntropy(x.matmul(W1).add(b1).relu().matmul(W2).add(b2).relu().matmul(W3).add(b3), y);
  const [[fwd, fwdRecorded, fwdBwd]] = measureAlternating(
    [
      () => wg.tidy(() => void wg.noGrad(forward)),
      () => wg.tidy(() => void forward()),
      () => {
        wg.tidy(() => forward().backward());
        for (const q of params) {
          q.grad?.dispose();
          q.grad = null;
        }
      },
    ],
    warm,
  );
  console.log(`| MLP 784-256-256-10 batch 128: forward | ${fmtTime(fwd)} |`);
  console.log(`| MLP forward, recorded | ${fmtTime(fwdRecorded)} |`);
  console.log(`| MLP forward + backward | ${fmtTime(fwdBwd)} |`);
  console.log(`| (forward + backward) / forward | ${(fwdBwd / fwd).toFixed(2)} (target <= 3.5) |`);
  wg.dispose([a, b, x, y, ...params]);
  return { perOp, ratio: fwdBwd / fwd };
}
