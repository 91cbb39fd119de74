// npm start: trains a small CNN on the 8x8 handwritten digits (80/20 split,
// seeded), shows progress, prints each epoch, saves the weights as safetensors
// and plots the curves to out/.
import { mkdirSync, writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import * as wg from 'wasmgrad';
import { lineChart } from './lib/svg.mjs';

const { nn, optim, data } = wg;
const EPOCHS = 20;
const BATCH = 32;

const t0 = performance.now();
const info = await wg.init();
wg.seed(0);

// 1797 images of 8x8 pixels valued 0..16; scale to [0, 1].
const digits = await data.loadDigits({ images: true });
const x = digits.x.div(16);
const { train, test } = data.trainTestSplit(x, digits.y, { testSize: 0.2, seed: 0, stratify: digits.y });
console.log(`wasmgrad ${info.backend} backend (build '${info.variant}'): digits ${train.length} train / ${test.length} test images`);

const model = new nn.Sequential(
  new nn.Conv2d(1, 16, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.Conv2d(16, 32, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Flatten(),
  new nn.Dropout(0.25),
  new nn.Linear(32 * 4 * 4, 64),
  new nn.ReLU(),
  new nn.Linear(64, 10),
);
console.log(`${model.toString()}\n${model.numParameters()} parameters\n`);

const optimizer = new optim.Adam(model.parameters(), { lr: 2e-3 });
const scheduler = new optim.StepLR(optimizer, 8, { gamma: 0.5 });
const loader = new data.DataLoader(train, { batchSize: BATCH, shuffle: true, seed: 0 });
const testLoader = new data.DataLoader(test, { batchSize: 256 });

const bar = new cliProgress.SingleBar(
  { format: 'epoch {epoch} [{bar}] {value}/{total} batches | loss {loss}', hideCursor: true, clearOnComplete: true },
  cliProgress.Presets.shades_classic,
);
const history = wg.fit(model, {
  optimizer,
  loss: wg.crossEntropy,
  data: loader,
  validation: testLoader,
  epochs: EPOCHS,
  scheduler,
  callbacks: {
    onEpochBegin: (epoch) => bar.start(loader.length, 0, { epoch: String(epoch + 1).padStart(2), loss: '-' }),
    onBatchEnd: ({ loss }) => bar.increment({ loss: loss.toFixed(4) }),
    onEpochEnd: (l) => {
      bar.stop();
      const pct = (v) => `${(100 * v).toFixed(2)}%`;
      console.log(
        `epoch ${String(l.epoch + 1).padStart(2)}/${EPOCHS}  loss ${l.loss.toFixed(4)}  acc ${pct(l.accuracy)}  ` +
          `test loss ${l.valLoss.toFixed(4)}  test acc ${pct(l.valAccuracy)}  (${l.seconds.toFixed(2)} s)`,
      );
    },
  },
});

const final = wg.evaluate(model, testLoader, wg.crossEntropy);
const seconds = (performance.now() - t0) / 1000;
console.log(`\nfinal test accuracy ${(100 * final.accuracy).toFixed(2)}% (${test.length} images), ${seconds.toFixed(1)} s in all`);

mkdirSync('out', { recursive: true });
writeFileSync('out/digits-cnn.safetensors', await wg.io.saveSafetensors(model.stateDict(), { model: 'digits-cnn', epochs: String(EPOCHS) }));
const epochs = history.loss.map((_, i) => i + 1);
writeFileSync(
  'out/digits-cnn-loss.svg',
  lineChart({
    title: 'digits CNN: cross-entropy',
    xLabel: 'epoch',
    yLabel: 'loss',
    logY: true,
    series: [
      { name: 'train', x: epochs, y: history.loss },
      { name: 'test', x: epochs, y: history.valLoss, dashed: true },
    ],
  }),
);
writeFileSync(
  'out/digits-cnn-accuracy.svg',
  lineChart({
    title: 'digits CNN: accuracy',
    xLabel: 'epoch',
    yLabel: 'accuracy',
    series: [
      { name: 'train', x: epochs, y: history.accuracy },
      { name: 'test', x: epochs, y: history.valAccuracy, dashed: true },
    ],
  }),
);
console.log('wrote out/digits-cnn.safetensors, out/digits-cnn-loss.svg, out/digits-cnn-accuracy.svg');
