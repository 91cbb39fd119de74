// Chapter 7, regularisation: a wide MLP over-fits 200 training digits; L2
// weight decay (7.1.1), dropout (7.12), early stopping (7.8) and data
// augmentation by shifted digits (7.4) each pull its validation loss back.
// The data: 200 training images (20 per class), 500 for validation (curves,
// model selection) and the other 1097 for a final test.
//   node examples/book/ch07-regularization.mjs
import * as wg from 'wasmgrad';
import { color, lineChart, row } from '../lib/svg.mjs';
import { isMain, main, pct, release, snapshot, writeSvg } from './lib/deep-networks.mjs';

const { nn, optim, data } = wg;
// A fairly high rate, so that the baseline over-fits within the fast run's 40
// epochs. The occasional spikes in the curves are Adam's: once the gradients
// are tiny its normalised steps stay large, and one unlucky batch kicks the
// weights (at 3e-3 they were larger).
const LR = 2e-3;
const L2 = 1e-3;
const BATCH = 32;

/** Stratified splits of the digits (pixels scaled to [0, 1]): 200 train, 500 validation, 1097 test. */
export async function splits() {
  const digits = await wg.data.loadDigits();
  const x = digits.x.div(16);
  const first = data.trainTestSplit(x, digits.y, { testSize: 1797 - 200, seed: 0, stratify: digits.y });
  const [rx, ry] = first.test.tensors;
  const second = data.trainTestSplit(rx, ry, { testSize: 1097, seed: 0, stratify: ry });
  wg.dispose([x, digits.x, digits.y]);
  first.test.dispose();
  return { train: first.train, val: second.train, test: second.test };
}

/**
 * Each training image and its four one-pixel shifts (up, down, left, right,
 * with a blank row or column coming in), as rows m * n + k (version m of
 * image k): a digit moved by a pixel is still the same digit, so the shifts
 * are new examples whose labels we know for free.
 */
export function shifted(train) {
  const [x, y] = train.tensors;
  const px = x.dataSync();
  const labels = y.dataSync();
  const n = y.shape[0];
  const moves = [
    [0, 0],
    [-1, 0],
    [1, 0],
    [0, -1],
    [0, 1],
  ];
  const out = new Float32Array(moves.length * n * 64);
  const outY = new Int32Array(moves.length * n);
  moves.forEach(([di, dj], m) => {
    for (let k = 0; k < n; k++) {
      const dst = (m * n + k) * 64;
      outY[m * n + k] = labels[k];
      for (let i = 0; i < 8; i++) {
        for (let j = 0; j < 8; j++) {
          const [si, sj] = [i - di, j - dj];
          if (si >= 0 && si < 8 && sj >= 0 && sj < 8) out[dst + i * 8 + j] = px[k * 64 + si * 8 + sj];
        }
      }
    }
  });
  return new data.TensorDataset(wg.tensor(out, { shape: [moves.length * n, 64] }), wg.tensor(outY, { dtype: 'int32' }));
}

/**
 * Batches for augmentation on the fly: each epoch every training image comes
 * in one of its five versions (itself or a shift), drawn at random, so an
 * epoch has as many steps as the baseline's and the comparison costs no more
 * compute; over the epochs the network sees every shift.
 */
export function shiftedEpochs(augmented, n) {
  let epoch = 0;
  return () => {
    const rand = mulberry32(1000 + epoch);
    const rows = Int32Array.from({ length: n }, (_, k) => Math.floor(rand() * 5) * n + k);
    return new data.DataLoader(new data.Subset(augmented, rows), { batchSize: BATCH, shuffle: true, seed: epoch++ });
  };
}

/** A small seeded generator for the choice of shifts (independent of wasmgrad's global one). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The over-fitting network: two hidden layers of `width` ReLU units (about 300k weights for 200 images at 512), with optional dropout. */
export function mlp(width, dropout = null) {
  // Dropout layers hold no parameters, so after the same seed every variant starts from the same weights.
  wg.seed(1);
  const layers = [];
  if (dropout) layers.push(new nn.Dropout(dropout.input));
  layers.push(new nn.Linear(64, width), new nn.ReLU());
  if (dropout) layers.push(new nn.Dropout(dropout.hidden));
  layers.push(new nn.Linear(width, width), new nn.ReLU());
  if (dropout) layers.push(new nn.Dropout(dropout.hidden));
  layers.push(new nn.Linear(width, 10));
  return new nn.Sequential(...layers);
}

/**
 * Trains one variant and returns its curves, the epoch of its lowest
 * validation loss, and its test accuracy. `l2` adds (l2 / 2) * sum of squared
 * weights (not biases, as the book recommends) to the loss; `patience` stops
 * after that many epochs without a new lowest validation loss and goes back
 * to the parameters of the best epoch. The curves are measured after each
 * epoch in eval mode with the plain cross-entropy (no penalty, no dropout) on
 * the 200 original training images and on the validation set, so that every
 * variant is read on one scale.
 */
export function train(name, { model, trainSet, original, val, test, epochs, l2 = 0, patience = null, batches = null }) {
  const weights = model.parameters().filter((p) => p.ndim === 2);
  const loss = l2 ? (out, y) => wg.crossEntropy(out, y).add(weights.reduce((s, w) => s.add(w.square().sum()), wg.tensor(0)).mul(l2 / 2)) : wg.crossEntropy;
  const measure = (set) => wg.evaluate(model, [set.tensors], wg.crossEntropy);
  const curves = { trainLoss: [], valLoss: [], valAcc: [] };
  let best = { loss: Number.POSITIVE_INFINITY, epoch: -1, state: null };
  wg.fit(model, {
    optimizer: new optim.Adam(model.parameters(), { lr: LR }),
    loss,
    data: batches ?? new data.DataLoader(trainSet, { batchSize: BATCH, shuffle: true, seed: 0 }),
    epochs,
    callbacks: {
      onEpochEnd: ({ epoch }) => {
        const v = measure(val);
        curves.trainLoss.push(measure(original).loss);
        curves.valLoss.push(v.loss);
        curves.valAcc.push(v.accuracy);
        if (v.loss < best.loss) {
          if (best.state) release(best.state);
          best = { loss: v.loss, epoch, state: patience ? snapshot(model) : null };
        }
        return patience !== null && epoch - best.epoch >= patience;
      },
    },
  });
  if (best.state) {
    model.loadStateDict(best.state);
    release(best.state);
  }
  const final = measure(val);
  const testAcc = measure(test).accuracy;
  model.dispose();
  return {
    name,
    ...curves,
    epochsRun: curves.valLoss.length,
    bestEpoch: best.epoch + 1,
    bestValAcc: Math.max(...curves.valAcc),
    minValLoss: Math.min(...curves.valLoss),
    finalValLoss: final.loss,
    finalValAcc: final.accuracy,
    testAcc,
  };
}

export async function run({ fast = false, out = 'out/book', log = () => {} } = {}) {
  await wg.init();
  const files = [];
  const { train: trainSet, val, test } = await splits();
  const augmented = shifted(trainSet);
  // The fast run uses a narrower network and fewer epochs; it still over-fits (its validation loss turns up by epoch 20 or so).
  const width = fast ? 256 : 512;
  const epochs = fast ? 40 : 100;
  const common = { trainSet, original: trainSet, val, test, epochs };
  const runs = [
    train('baseline (no regularisation)', { ...common, model: mlp(width) }),
    train(`L2 weight decay (λ = ${L2})`, { ...common, model: mlp(width), l2: L2 }),
    train('dropout (0.2 input, 0.5 hidden)', { ...common, model: mlp(width, { input: 0.2, hidden: 0.5 }) }),
    train(`early stopping (patience ${fast ? 5 : 10})`, { ...common, model: mlp(width), patience: fast ? 5 : 10 }),
    train('shifted digits (1-pixel shifts)', { ...common, model: mlp(width), batches: shiftedEpochs(augmented, trainSet.length) }),
  ];
  augmented.dispose();
  wg.dispose([...trainSet.tensors, ...val.tensors, ...test.tensors]);

  log(`200 training digits, MLP 64-${width}-${width}-10 (Adam lr ${LR}, batch ${BATCH}, ${epochs} epochs); validation 500, test 1097 images`);
  log('technique                          epochs  best val acc  min val loss  final val loss  final val acc  test acc');
  for (const r of runs) {
    log(
      `${r.name.padEnd(34)} ${String(r.epochsRun).padStart(6)}  ${pct(r.bestValAcc).padStart(12)}  ${r.minValLoss.toFixed(4).padStart(12)}  ` +
        `${r.finalValLoss.toFixed(4).padStart(14)}  ${pct(r.finalValAcc).padStart(13)}  ${pct(r.testAcc).padStart(8)}`,
    );
  }

  // Short names: the legends sit in a narrow margin.
  const short = ['baseline', 'L2', 'dropout', 'early stopping', 'shifts'];
  const series = (key, suffix = '', dashed = false) => runs.map((r, i) => ({ name: short[i] + suffix, y: r[key], color: color(i), dashed }));
  const top = Math.max(...runs.map((r) => r.valLoss.at(-1)));
  writeSvg(
    out,
    'ch07-regularization.svg',
    row([
      lineChart({
        title: 'validation loss',
        xLabel: 'epoch',
        yLabel: 'cross-entropy',
        width: 520,
        height: 420,
        // The first epochs (loss about 2) are cut off, to show where the baseline turns up.
        yRange: [0, Math.max(0.6, 1.6 * top)],
        clip: true,
        series: series('valLoss'),
      }),
      lineChart({
        title: 'training loss (200 images)',
        xLabel: 'epoch',
        yLabel: 'cross-entropy',
        logY: true,
        width: 520,
        height: 420,
        series: series('trainLoss', '', true),
      }),
      lineChart({ title: 'validation accuracy', xLabel: 'epoch', yLabel: 'accuracy', width: 520, height: 420, series: series('valAcc') }),
    ]),
    files,
  );

  const key = ['baseline', 'l2', 'dropout', 'earlyStopping', 'augmentation'];
  const headline = {};
  runs.forEach((r, i) => {
    headline[`${key[i]}BestValAcc`] = r.bestValAcc;
    headline[`${key[i]}FinalValLoss`] = r.finalValLoss;
    headline[`${key[i]}TestAcc`] = r.testAcc;
  });
  headline.earlyStoppingEpochs = runs[3].epochsRun;
  headline.baselineMinValLoss = runs[0].minValLoss;
  headline.baselineFinalTrainLoss = runs[0].trainLoss.at(-1);
  return {
    headline,
    files,
    runs: runs.map(({ name, bestValAcc, minValLoss, finalValLoss, testAcc }) => ({ name, bestValAcc, minValLoss, finalValLoss, testAcc })),
  };
}

if (isMain(import.meta.url)) await main(run);
