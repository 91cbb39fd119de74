// The training worker: loads the digits, trains the CNN of
// examples/digits-cnn.mjs (same architecture, optimizer, schedule and seeds)
// and answers predictions for the drawing pad, even while it trains. It yields
// to its event loop after every batch, so prediction and stop requests are
// served mid-training; the page itself never waits for it.
import * as wg from 'wasmgrad';

const { nn, optim, data } = wg;
const BATCH = 32;
// The package's copy of the data set, served by Vite (dev) or emitted with the bundle (build).
const DIGITS_URL = new URL('../../../data/digits.csv.gz', import.meta.url);

let model = null;
let run = 0; // bumped to stop a running training
let digits = null;

const post = (msg) => self.postMessage(msg);

/** Resolves on the next turn of the event loop, without setTimeout's clamping. */
function nextTurn() {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}

function buildModel() {
  return new nn.Sequential(
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
}

async function start({ epochs, backend }) {
  const me = ++run;
  const t0 = performance.now();
  await wg.init({ backend });
  post({ type: 'env', env: wg.env() });
  wg.seed(0);
  if (!digits) {
    // 1797 images of 8x8 pixels valued 0..16; scale to [0, 1].
    const d = await data.loadDigits({ images: true, url: DIGITS_URL });
    digits = data.trainTestSplit(d.x.div(16), d.y, { testSize: 0.2, seed: 0, stratify: d.y });
  }
  const { train, test } = digits;
  if (model) model.parameters().forEach((p) => p.dispose());
  model = buildModel();
  const optimizer = new optim.Adam(model.parameters(), { lr: 2e-3 });
  const scheduler = new optim.StepLR(optimizer, 8, { gamma: 0.5 });
  const loader = new data.DataLoader(train, { batchSize: BATCH, shuffle: true, seed: 0 });
  const testLoader = new data.DataLoader(test, { batchSize: 256 });
  post({ type: 'start', epochs, batches: loader.length, train: train.length, test: test.length, parameters: model.numParameters(), summary: model.toString() });

  for (let epoch = 0; epoch < epochs; epoch++) {
    const e0 = performance.now();
    model.train();
    let total = 0;
    let right = 0;
    let n = 0;
    let batch = 0;
    for (const [x, y] of loader) {
      const [loss, correct] = wg.tidy(() => {
        optimizer.zeroGrad();
        const out = model.forward(x);
        const l = wg.crossEntropy(out, y);
        l.backward();
        optimizer.step();
        return [l.item(), wg.noGrad(() => out.argmax(1).eq(y).sum().item())];
      });
      const b = x.shape[0];
      wg.dispose([x, y]);
      total += loss * b;
      right += correct;
      n += b;
      post({ type: 'batch', epoch, batch: batch++, loss });
      await nextTurn(); // serve predictions, see a stop
      if (me !== run) return;
    }
    const val = wg.evaluate(model, testLoader, wg.crossEntropy);
    scheduler.step();
    post({
      type: 'epoch',
      logs: { epoch, loss: total / n, accuracy: right / n, valLoss: val.loss, valAccuracy: val.accuracy, seconds: (performance.now() - e0) / 1000 },
    });
    await nextTurn();
    if (me !== run) return;
  }
  const final = wg.evaluate(model, testLoader, wg.crossEntropy);
  post({ type: 'done', accuracy: final.accuracy, loss: final.loss, test: test.length, seconds: (performance.now() - t0) / 1000, memory: wg.memory() });
}

function predict({ id, pixels }) {
  if (!model) return post({ type: 'prediction', id, probs: null });
  const wasTraining = model.training;
  model.eval();
  try {
    const probs = wg.tidy(() =>
      wg.noGrad(() => {
        const x = wg.tensor(pixels, { shape: [1, 1, 8, 8] }).div(16);
        return Array.from(model.forward(x).softmax(1).dataSync());
      }),
    );
    post({ type: 'prediction', id, probs });
  } finally {
    model.train(wasTraining);
  }
}

self.onmessage = (e) => {
  const msg = e.data;
  const fail = (err) => post({ type: 'error', message: err?.stack ?? String(err) });
  try {
    if (msg.type === 'start') start(msg).catch(fail);
    else if (msg.type === 'stop') run++;
    else if (msg.type === 'predict') predict(msg);
  } catch (err) {
    fail(err);
  }
};
post({ type: 'ready' });
