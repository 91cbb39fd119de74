// Training on real data: XOR (Deep Learning, section 6.1), logistic regression
// on breast cancer, softmax regression on iris, an MLP and a CNN on the digits;
// memory stays flat across a whole run; fit reports what it did.
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);

const { nn, optim, data } = wg;

/** Trains with fit on a stratified 80/20 split and returns the test accuracy. */
async function classify(
  loaded: { x: wg.Tensor; y: wg.Tensor },
  model: wg.nn.Module,
  opts: { epochs: number; lr: number; batchSize: number; standardize?: boolean; weightDecay?: number },
): Promise<number> {
  const split = data.trainTestSplit(loaded.x, loaded.y, { testSize: 0.2, seed: 0, stratify: loaded.y });
  let [xtr, ytr] = split.train.tensors;
  let [xte, yte] = split.test.tensors;
  if (opts.standardize) {
    const scaler = new data.StandardScaler();
    xtr = scaler.fitTransform(xtr);
    xte = scaler.transform(xte);
  }
  const optimizer = new optim.Adam(model.parameters(), { lr: opts.lr, weightDecay: opts.weightDecay ?? 0 });
  wg.fit(model, {
    optimizer,
    loss: wg.crossEntropy,
    data: new data.DataLoader(new data.TensorDataset(xtr, ytr), { batchSize: opts.batchSize, shuffle: true, seed: 1 }),
    epochs: opts.epochs,
  });
  const acc = wg.evaluate(model, [[xte, yte]], wg.crossEntropy).accuracy as number;
  optimizer.dispose();
  return acc;
}

describe('training on real data', () => {
  it('XOR with a 2-2-1 network learns XOR exactly (section 6.1)', () => {
    wg.seed(3);
    const x = wg.tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = wg.tensor([[0], [1], [1], [0]]);
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.Tanh(), new nn.Linear(2, 1));
    const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
    for (let i = 0; i < 600; i++) {
      wg.tidy(() => {
        opt.zeroGrad();
        wg.binaryCrossEntropyWithLogits(model.forward(x), y).backward();
        opt.step();
      });
    }
    const pred = wg.tidy(() => model.forward(x).sigmoid().dataSync());
    expect(Array.from(pred, (p) => (p > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    for (const [p, t] of [...pred].map((p, i) => [p, [0, 1, 1, 0][i]])) expect(Math.abs(p - t)).toBeLessThan(0.1);
  });

  it('logistic regression on breast cancer: at least 95% test accuracy', async () => {
    wg.seed(0);
    const acc = await classify(await data.loadBreastCancer(), new nn.Linear(30, 2), { epochs: 60, lr: 0.01, batchSize: 32, standardize: true });
    expect(acc).toBeGreaterThanOrEqual(0.95);
  });

  it('softmax regression on iris: at least 93% test accuracy', async () => {
    wg.seed(0);
    const acc = await classify(await data.loadIris(), new nn.Linear(4, 3), { epochs: 150, lr: 0.05, batchSize: 16, standardize: true });
    expect(acc).toBeGreaterThanOrEqual(0.93);
  });

  it('an MLP on the digits: at least 95% test accuracy', async () => {
    wg.seed(0);
    const digits = await data.loadDigits();
    const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10));
    const acc = await classify({ x: digits.x.div(16), y: digits.y }, model, { epochs: 25, lr: 2e-3, batchSize: 32 });
    expect(acc).toBeGreaterThanOrEqual(0.95);
  });

  it('a CNN on the digits: at least 97% test accuracy', async () => {
    wg.seed(0);
    const digits = await data.loadDigits({ images: true });
    const model = new nn.Sequential(
      new nn.Conv2d(1, 16, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.Conv2d(16, 32, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Dropout(0.25),
      new nn.Linear(512, 64),
      new nn.ReLU(),
      new nn.Linear(64, 10),
    );
    const acc = await classify({ x: digits.x.div(16), y: digits.y }, model, { epochs: 12, lr: 2e-3, batchSize: 32 });
    expect(acc).toBeGreaterThanOrEqual(0.97);
  });
});

describe('fit', () => {
  it('reports per-epoch logs, runs the scheduler, stops early, and leaves memory flat', () => {
    wg.seed(1);
    const x = wg.randn([64, 5]);
    const y = wg.tidy(() => x.sum(1).gt(0).int());
    const model = new nn.Sequential(new nn.Linear(5, 8), new nn.ReLU(), new nn.Linear(8, 2));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const scheduler = new optim.StepLR(optimizer, 1, { gamma: 0.5 });
    const train = new data.TensorDataset(x, y);
    const loader = new data.DataLoader(train, { batchSize: 16, shuffle: true, seed: 0 });
    const epochs: wg.EpochLogs[] = [];
    let batches = 0;
    const run = (n: number) =>
      wg.fit(model, {
        optimizer,
        loss: new nn.CrossEntropyLoss(),
        data: loader,
        validation: [[x, y]],
        epochs: n,
        scheduler,
        callbacks: {
          onBatchEnd: () => batches++,
          onEpochEnd: (l) => {
            epochs.push(l);
            return l.epoch === 2;
          },
        },
      });
    run(1);
    const before = wg.memory();
    const h = run(10);
    const after = wg.memory();
    expect(h.loss.length).toBe(3); // stopped early after the third epoch
    expect(batches).toBe(4 * 4);
    expect(epochs[3].valAccuracy).toBeGreaterThan(0.8);
    expect(optimizer.paramGroups[0].lr).toBeCloseTo(0.1 * 0.5 ** 4);
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
    expect(() => wg.fit(model, { optimizer, loss: wg.crossEntropy, data: [], epochs: 1 })).toThrow(/no batches/);
  });
});
