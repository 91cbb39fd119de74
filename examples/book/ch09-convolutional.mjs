// Chapter 9, convolutional networks: a small CNN on the 8x8 digits, its
// learned first-layer filters, the feature maps of a few test digits after
// the first convolution, and equivariance to translation (section 9.2): shift
// the input by a pixel and the feature maps shift with it.
//   node examples/book/ch09-convolutional.mjs
import * as wg from 'wasmgrad';
import { imageGrid, lineChart, row } from '../lib/svg.mjs';
import { digitsSplit, isMain, main, pct, writeSvg } from './lib/deep-networks.mjs';

const { nn, optim, data } = wg;
const FILTERS = 16;

function cnn() {
  wg.seed(0);
  return new nn.Sequential(
    new nn.Conv2d(1, FILTERS, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(FILTERS, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    // Dropout before the dense layers: 1437 training images are few for 38k weights.
    new nn.Dropout(0.25),
    new nn.Linear(32 * 4 * 4, 64),
    new nn.ReLU(),
    new nn.Linear(64, 10),
  );
}

/** An [n, 1, 8, 8] image moved `dj` columns to the right (a blank column comes in on the left). */
function shiftRight(img, dj = 1) {
  const src = img.dataSync();
  const out = new Float32Array(src.length);
  for (let k = 0; k < src.length; k += 8) for (let j = dj; j < 8; j++) out[k + j] = src[k + j - dj];
  return wg.tensor(out, { shape: img.shape });
}

/** The rows of a [1, C, 8, 8] tensor as C arrays of 64 values. */
const maps = (t) => {
  const v = t.dataSync();
  return Array.from({ length: t.shape[1] }, (_, c) => Array.from(v.subarray(c * 64, (c + 1) * 64)));
};

/**
 * Convolution commutes with translation: conv(shift(x)) = shift(conv(x)).
 * With zero padding this holds exactly away from the borders, so the
 * comparison covers columns 1..6 (column 0 of the shifted map has no
 * counterpart, and column 7 sees the padding on one side and a pixel on the
 * other). Returns the largest difference there and, for scale, how much the
 * maps themselves change when the input is shifted.
 */
function equivariance(conv, x) {
  return wg.tidy(() =>
    wg.noGrad(() => {
      const xs = shiftRight(x);
      const f = maps(conv.forward(x));
      const fShifted = maps(conv.forward(xs));
      let err = 0;
      let change = 0;
      let strongest = 0;
      f.forEach((m, c) => {
        for (let i = 0; i < 8; i++) {
          for (let j = 1; j < 7; j++) err = Math.max(err, Math.abs(fShifted[c][i * 8 + j] - m[i * 8 + j - 1]));
          for (let j = 0; j < 8; j++) change = Math.max(change, Math.abs(fShifted[c][i * 8 + j] - m[i * 8 + j]));
        }
        if (Math.max(...m.map(Math.abs)) > Math.max(...f[strongest].map(Math.abs))) strongest = c;
      });
      return { err, change, x: Array.from(x.dataSync()), xs: Array.from(xs.dataSync()), f: f[strongest], fs: fShifted[strongest], channel: strongest };
    }),
  );
}

export async function run({ fast = false, out = 'out/book', log = () => {} } = {}) {
  await wg.init();
  const files = [];
  const { train, test } = await digitsSplit({ images: true });
  const model = cnn();
  const epochs = fast ? 5 : 15;
  const optimizer = new optim.Adam(model.parameters(), { lr: 2e-3 });
  const history = wg.fit(model, {
    optimizer,
    // The rate decays to zero along a half cosine, so the last epochs settle
    // instead of jumping by a few test images from one epoch to the next.
    scheduler: new optim.CosineAnnealingLR(optimizer, epochs),
    loss: wg.crossEntropy,
    data: new data.DataLoader(train, { batchSize: 32, shuffle: true, seed: 0 }),
    validation: new data.DataLoader(test, { batchSize: 360 }),
    epochs,
    callbacks: {
      onEpochEnd: (l) =>
        log(`epoch ${String(l.epoch + 1).padStart(2)}  loss ${l.loss.toFixed(4)}  test loss ${l.valLoss.toFixed(4)}  test acc ${pct(l.valAccuracy)}`),
    },
  });
  const testAcc = history.valAccuracy.at(-1);
  log(`CNN (${model.numParameters()} parameters), ${epochs} epochs: test accuracy ${pct(testAcc)} on ${test.length} images`);
  model.eval();
  const conv1 = model.at(0);

  const ep = history.loss.map((_, i) => i + 1);
  writeSvg(
    out,
    'ch09-cnn-training.svg',
    row([
      lineChart({
        title: 'CNN on the digits: loss',
        xLabel: 'epoch',
        yLabel: 'cross-entropy',
        logY: true,
        width: 560,
        series: [
          { name: 'train', x: ep, y: history.loss },
          { name: 'test', x: ep, y: history.valLoss, dashed: true },
        ],
      }),
      lineChart({ title: 'test accuracy', xLabel: 'epoch', yLabel: 'accuracy', width: 560, series: [{ name: 'test', x: ep, y: history.valAccuracy }] }),
    ]),
    files,
  );

  // The 3x3 kernels of the first layer, each scaled from its most negative (black) to its most positive weight (white).
  const kernels = conv1.weight.toArray().map((k) => k[0].flat());
  writeSvg(
    out,
    'ch09-filters.svg',
    imageGrid({ images: kernels, h: 3, w: 3, cols: 8, cell: 18, captions: kernels.map((_, i) => `f${i + 1}`), title: 'first-layer filters (3x3)' }),
    files,
  );

  // Feature maps after the first convolution and its ReLU, for the first test image of four classes.
  const [xTest, yTest] = test.tensors;
  const labels = yTest.dataSync();
  const picks = [];
  for (let i = 0; i < labels.length && picks.length < 4; i++) if (!picks.some((p) => labels[p] === labels[i])) picks.push(i);
  const images = [];
  const captions = [];
  wg.tidy(() =>
    wg.noGrad(() => {
      for (const i of picks) {
        const x = xTest.narrow(0, i, 1);
        images.push(Array.from(x.dataSync()));
        captions.push(`digit ${labels[i]}`);
        maps(conv1.forward(x).relu()).forEach((m, c) => {
          images.push(m);
          captions.push(`f${c + 1}`);
        });
      }
    }),
  );
  writeSvg(
    out,
    'ch09-feature-maps.svg',
    imageGrid({ images, h: 8, w: 8, cols: FILTERS + 1, cell: 5, captions, title: 'test digits and their 16 feature maps after conv1 + ReLU' }),
    files,
  );

  // Equivariance, on every picked digit; the figure shows the first.
  const eq = picks.map((i) => wg.tidy(() => equivariance(conv1, xTest.narrow(0, i, 1))));
  const equivarianceError = Math.max(...eq.map((e) => e.err));
  const mapChange = Math.min(...eq.map((e) => e.change));
  log(
    `equivariance: |conv(shift x) - shift(conv x)| <= ${equivarianceError.toExponential(2)} inside the borders; the maps themselves move by up to ${mapChange.toFixed(3)}`,
  );
  const e0 = eq[0];
  const shiftedF = e0.f.map((_, k) => (k % 8 === 0 ? 0 : e0.f[k - 1]));
  const diff = e0.fs.map((v, k) => (k % 8 === 0 || k % 8 === 7 ? 0 : Math.abs(v - shiftedF[k])));
  // The four maps share one grey scale, so that a zero difference shows as the same grey as a zero response.
  const all = [...e0.f, ...e0.fs];
  const mapRange = [Math.min(0, ...all), Math.max(...all)];
  writeSvg(
    out,
    'ch09-equivariance.svg',
    imageGrid({
      images: [e0.x, e0.xs, e0.f, e0.fs, shiftedF, diff],
      h: 8,
      w: 8,
      cols: 6,
      cell: 12,
      captions: ['x', 'shift(x)', `conv(x), f${e0.channel + 1}`, 'conv(shift(x))', 'shift(conv(x))', '|difference|'],
      ranges: [undefined, undefined, mapRange, mapRange, mapRange, mapRange],
      title: 'convolution is equivariant to translation',
    }),
    files,
  );

  model.dispose();
  wg.dispose([...train.tensors, ...test.tensors]);
  return {
    headline: {
      testAccuracy: testAcc,
      finalTrainLoss: history.loss.at(-1),
      epochs,
      filters: kernels.length,
      featureMapDigits: picks.length,
      equivarianceError,
      mapChange,
    },
    files,
  };
}

if (isMain(import.meta.url)) await main(run);
