// The shared op suite: movement, joining, indexing and the loss functions.
import { beforeAll, describe, it } from 'vitest';
import { compareWithReference, FAST_BACKENDS, type Input, rng, setupBackends, uniform, wg } from '../helpers/index.js';

beforeAll(setupBackends);

const TOL = { rtol: 1e-5, atol: 1e-5 };
const t = (r: ReturnType<typeof rng>, shape: number[], extra: Partial<Input> = {}): Input => ({
  data: uniform(
    r,
    shape.reduce((a, b) => a * b, 1),
  ),
  shape,
  ...extra,
});
const idx = (data: number[], shape = [data.length]): Input => ({ data, shape, dtype: 'int32' });

for (const backend of FAST_BACKENDS) {
  describe(`movement and joining on ${backend}`, () => {
    it('views and reshapes of strided tensors', () => {
      const r = rng(1);
      const x = t(r, [2, 3, 4], { permuted: [2, 0, 1] });
      compareWithReference(backend, [x], (a) => a.reshape([4, 6]), TOL, 'reshape of a permuted view');
      compareWithReference(backend, [x], (a) => a.reshape([-1]), TOL, 'reshape -1');
      compareWithReference(backend, [x], (a) => a.flatten(1), TOL, 'flatten');
      compareWithReference(backend, [x], (a) => a.permute([2, 0, 1]).contiguous(), TOL, 'permute');
      compareWithReference(backend, [x], (a) => a.transpose(0, 2).mul(2), TOL, 'transpose');
      compareWithReference(backend, [x], (a) => a.unsqueeze(1).squeeze(), TOL, 'unsqueeze/squeeze');
      compareWithReference(backend, [t(r, [3, 1])], (a) => a.broadcastTo([2, 3, 4]).add(0), TOL, 'broadcastTo');
      compareWithReference(backend, [x], (a) => a.slice([1, 0, 1], [2, 3, 4], [1, 2, 2]).add(0), TOL, 'slice with steps');
      compareWithReference(backend, [x], (a) => a.slice([-1], [undefined], [1]).exp(), TOL, 'negative slice');
      compareWithReference(backend, [x], (a) => a.narrow(2, 1, 2).select(0, 1).neg(), TOL, 'narrow/select');
    });

    it('concat, stack, split, chunk, pad, sliceScatter', () => {
      const r = rng(2);
      const a = t(r, [2, 3]);
      const b = t(r, [2, 5], { permuted: [1, 0] });
      const c = t(r, [2, 1], { dtype: 'float64' });
      compareWithReference(backend, [a, b, c], (x, y, z) => wg.concat([x, y, z], 1), TOL, 'concat mixed dtypes and strides');
      compareWithReference(backend, [a, a], (x, y) => wg.concat([x, y], 0), TOL, 'concat axis 0');
      compareWithReference(backend, [a, a, a], (x, y, z) => wg.stack([x, y, z], 1), TOL, 'stack');
      compareWithReference(backend, [t(r, [7, 3])], (x) => wg.split(x, 3), TOL, 'split by size');
      compareWithReference(backend, [t(r, [2, 7])], (x) => wg.split(x, [2, 4, 1], 1), TOL, 'split by sections');
      compareWithReference(backend, [t(r, [5, 2])], (x) => wg.chunk(x, 2), TOL, 'chunk');
      compareWithReference(backend, [t(r, [2, 3, 4])], (x) => wg.pad(x, [1, 2, 0, 3], -1.5), TOL, 'pad');
      compareWithReference(backend, [t(r, [4, 6]), t(r, [2, 3])], (x, s) => wg.sliceScatter(x, s, [1, 0], [3, 6], [1, 2]), TOL, 'sliceScatter');
    });

    it('gather, scatterAdd, indexSelect, indexAdd', () => {
      const r = rng(3);
      const x = t(r, [3, 5]);
      compareWithReference(backend, [x, idx([0, 4, 4, 1, 2, 0], [3, 2])], (a, i) => wg.gather(a, 1, i), TOL, 'gather axis 1');
      compareWithReference(backend, [x, idx([2, 0, 1, 1, 0], [1, 5])], (a, i) => wg.gather(a, 0, i), TOL, 'gather axis 0');
      compareWithReference(backend, [x, idx([0, 4, 4, 1, 2, 0], [3, 2]), t(r, [3, 2])], (a, i, s) => wg.scatterAdd(a, 1, i, s), TOL, 'scatterAdd with repeats');
      compareWithReference(backend, [x, idx([4, 0, 4])], (a, i) => wg.indexSelect(a, 1, i), TOL, 'indexSelect');
      compareWithReference(backend, [t(r, [5, 3], { permuted: [1, 0] }), idx([1, 1, 3])], (a, i) => wg.indexSelect(a, 0, i), TOL, 'indexSelect strided');
      compareWithReference(backend, [x, idx([2, 2]), t(r, [2, 5])], (a, i, s) => wg.indexAdd(a, 0, i, s), TOL, 'indexAdd');
    });
  });

  describe(`losses and dropout on ${backend}`, () => {
    it('cross-entropy, nll, mse, l1, huber, bce with logits', () => {
      const r = rng(4);
      const logits = t(r, [6, 4]);
      const targets = idx([0, 3, 1, 2, 3, 0]);
      compareWithReference(backend, [logits, targets], (x, y) => wg.crossEntropy(x, y), TOL, 'crossEntropy');
      compareWithReference(
        backend,
        [logits, idx([0, -100, 1, 2, -100, 0])],
        (x, y) => wg.crossEntropy(x, y, { labelSmoothing: 0.1 }),
        TOL,
        'crossEntropy ignore + smoothing',
      );
      compareWithReference(backend, [logits, targets], (x, y) => wg.nllLoss(x.logSoftmax(1), y, { reduction: 'none' }), TOL, 'nll none');
      compareWithReference(
        backend,
        [t(r, [2, 3, 2, 2]), idx([0, 2, 1, 1, 2, 0, 0, 1], [2, 2, 2])],
        (x, y) => wg.crossEntropy(x, y),
        TOL,
        'spatial crossEntropy',
      );
      compareWithReference(backend, [logits, t(r, [6, 4])], (x, y) => wg.mseLoss(x, y), TOL, 'mse');
      compareWithReference(backend, [logits, t(r, [6, 4])], (x, y) => wg.l1Loss(x, y, { reduction: 'sum' }), TOL, 'l1');
      compareWithReference(backend, [logits, t(r, [6, 4])], (x, y) => wg.huberLoss(x, y, { delta: 0.3 }), TOL, 'huber');
      const labels: Input = { data: uniform(r, 24).map((v) => (v > 0 ? 1 : 0)), shape: [6, 4] };
      compareWithReference(backend, [logits, labels], (x, y) => wg.binaryCrossEntropyWithLogits(x, y), TOL, 'bce');
    });

    it('dropout draws the same mask on every backend for the same seed', () => {
      const x = t(rng(5), [4, 50]);
      compareWithReference(
        backend,
        [x],
        (a) => {
          wg.seed(42);
          return wg.dropout(a, 0.3, true);
        },
        TOL,
        'dropout',
      );
    });
  });
}
