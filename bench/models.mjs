// Training throughput (samples per second): wasmgrad against tfjs-layers on
// tfjs-backend-wasm, same architecture, batch size and optimizer (Adam), one
// process, warmed up.
import { fmtTime, measure, measureAsync, table } from './lib.mjs';
import { patchConvGradient } from './tfjs-conv-grad.mjs';

/** The digits CNN of examples/digits-cnn.mjs on size x size inputs. */
function digitsCnn(size, batch) {
  const flat = 32 * (size / 2) * (size / 2);
  return {
    input: [1, size, size],
    batch,
    wg: (nn) =>
      new nn.Sequential(
        new nn.Conv2d(1, 16, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.Conv2d(16, 32, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(flat, 64),
        new nn.ReLU(),
        new nn.Linear(64, 10),
      ),
    tf: (tl) => [
      tl.layers.conv2d({ inputShape: [size, size, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tl.layers.maxPooling2d({ poolSize: 2 }),
      tl.layers.flatten(),
      tl.layers.dense({ units: 64, activation: 'relu' }),
      tl.layers.dense({ units: 10 }),
    ],
  };
}

/** The architectures, built once for each library. */
const MODELS = {
  'digits CNN': digitsCnn(8, 32),
  // The same architecture on 28x28 inputs (random data), batch 64.
  'digits CNN (1x28x28)': digitsCnn(28, 64),
  'MLP 64-128-64-10 (digits)': {
    input: [64],
    batch: 32,
    wg: (nn) => new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10)),
    tf: (tl) => [
      tl.layers.dense({ inputShape: [64], units: 128, activation: 'relu' }),
      tl.layers.dense({ units: 64, activation: 'relu' }),
      tl.layers.dense({ units: 10 }),
    ],
  },
  'MLP 784-256-256-10': {
    input: [784],
    batch: 128,
    wg: (nn) => new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 256), new nn.ReLU(), new nn.Linear(256, 10)),
    tf: (tl) => [
      tl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tl.layers.dense({ units: 256, activation: 'relu' }),
      tl.layers.dense({ units: 10 }),
    ],
  },
  'LeNet-5 (1x28x28)': {
    input: [1, 28, 28],
    batch: 64,
    wg: (nn) =>
      new nn.Sequential(
        new nn.Conv2d(1, 6, 5, { padding: 2 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Conv2d(6, 16, 5),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(400, 120),
        new nn.ReLU(),
        new nn.Linear(120, 84),
        new nn.ReLU(),
        new nn.Linear(84, 10),
      ),
    tf: (tl) => [
      tl.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tl.layers.maxPooling2d({ poolSize: 2 }),
      tl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tl.layers.maxPooling2d({ poolSize: 2 }),
      tl.layers.flatten(),
      tl.layers.dense({ units: 120, activation: 'relu' }),
      tl.layers.dense({ units: 84, activation: 'relu' }),
      tl.layers.dense({ units: 10 }),
    ],
  },
};

export async function models(wg, tf) {
  const tl = await import('@tensorflow/tfjs-layers');
  if (patchConvGradient(tf)) console.log('\n(tfjs-backend-wasm has no Conv2DBackpropFilter kernel: its CNNs train here through bench/tfjs-conv-grad.mjs)');
  const rows = [];
  for (const [name, spec] of Object.entries(MODELS)) {
    const B = spec.batch;
    wg.seed(0);
    const model = spec.wg(wg.nn);
    const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = wg.randn([B, ...spec.input]);
    const y = wg.randint(0, 10, [B]);
    const step = () =>
      wg.tidy(() => {
        opt.zeroGrad();
        const loss = wg.crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        // trainOnBatch reads the loss back too.
        loss.item();
      });
    const ours = measure(step, { warmup: 2, batches: 5, batchTime: 0.3 });

    const tm = tl.sequential({ layers: spec.tf(tl) });
    tm.compile({ optimizer: tf.train.adam(1e-3), loss: (yt, yp) => tf.losses.softmaxCrossEntropy(yt, yp) });
    const tfShape = spec.input.length === 3 ? [B, spec.input[1], spec.input[2], spec.input[0]] : [B, ...spec.input];
    const tx = tf.randomNormal(tfShape);
    const ty = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32'), 10);
    const peer = await measureAsync(() => tm.trainOnBatch(tx, ty), { warmup: 2, batches: 5, batchTime: 0.3 });
    rows.push({ problem: `${name}, batch ${B}`, ours, peer, work: B, unit: 'k samples/s' });
    opt.dispose();
    model.dispose();
    wg.dispose([x, y]);
    tf.dispose([tx, ty]);
    tm.dispose();
  }
  // work / seconds / 1e9 would be G samples/s; show thousands instead.
  table(
    'training throughput (one Adam step per batch; rate in thousands of samples per second)',
    rows.map((r) => ({ ...r, work: r.work * 1e6 })),
  );
  for (const r of rows)
    console.log(
      `${r.problem}: wasmgrad ${fmtTime(r.ours)} per step, ${(r.work / r.ours).toFixed(0)} samples/s; tfjs ${(r.work / r.peer).toFixed(0)} samples/s`,
    );
  return rows;
}
