// The movement, joining, indexing and loss case table of the shared op suite.
import { type CaseGroup, group } from '../../helpers/cases.js';
import { type Input, randomInput, rng, uniform, wg } from '../../helpers/index.js';

const TOL = { rtol: 1e-5, atol: 1e-5 };
const t = randomInput;
const idx = (data: number[], shape = [data.length]): Input => ({ data, shape, dtype: 'int32' });

export const MOVEMENT_CASES: CaseGroup[] = [
  group('views and reshapes of strided tensors', async (cmp) => {
    const r = rng(1);
    const x = t(r, [2, 3, 4], { permuted: [2, 0, 1] });
    await cmp([x], (a) => a.reshape([4, 6]), TOL, 'reshape of a permuted view');
    await cmp([x], (a) => a.reshape([-1]), TOL, 'reshape -1');
    await cmp([x], (a) => a.flatten(1), TOL, 'flatten');
    await cmp([x], (a) => a.permute([2, 0, 1]).contiguous(), TOL, 'permute');
    await cmp([x], (a) => a.transpose(0, 2).mul(2), TOL, 'transpose');
    await cmp([x], (a) => a.unsqueeze(1).squeeze(), TOL, 'unsqueeze/squeeze');
    await cmp([t(r, [3, 1])], (a) => a.broadcastTo([2, 3, 4]).add(0), TOL, 'broadcastTo');
    await cmp([x], (a) => a.slice([1, 0, 1], [2, 3, 4], [1, 2, 2]).add(0), TOL, 'slice with steps');
    await cmp([x], (a) => a.slice([-1], [undefined], [1]).exp(), TOL, 'negative slice');
    await cmp([x], (a) => a.narrow(2, 1, 2).select(0, 1).neg(), TOL, 'narrow/select');
  }),

  group('concat, stack, split, chunk, pad, sliceScatter', async (cmp) => {
    const r = rng(2);
    const a = t(r, [2, 3]);
    const b = t(r, [2, 5], { permuted: [1, 0] });
    const c = t(r, [2, 1], { dtype: 'float64' });
    await cmp([a, b, c], (x, y, z) => wg.concat([x, y, z], 1), TOL, 'concat mixed dtypes and strides', { float64: true });
    await cmp([a, b, { ...c, dtype: 'int32', data: [3, -4] }], (x, y, z) => wg.concat([x, y, z], 1), TOL, 'concat int32 into float32 and strides');
    await cmp([a, a], (x, y) => wg.concat([x, y], 0), TOL, 'concat axis 0');
    await cmp([a, a, a], (x, y, z) => wg.stack([x, y, z], 1), TOL, 'stack');
    await cmp([t(r, [7, 3])], (x) => wg.split(x, 3), TOL, 'split by size');
    await cmp([t(r, [2, 7])], (x) => wg.split(x, [2, 4, 1], 1), TOL, 'split by sections');
    await cmp([t(r, [5, 2])], (x) => wg.chunk(x, 2), TOL, 'chunk');
    await cmp([t(r, [2, 3, 4])], (x) => wg.pad(x, [1, 2, 0, 3], -1.5), TOL, 'pad');
    await cmp([t(r, [4, 6]), t(r, [2, 3])], (x, s) => wg.sliceScatter(x, s, [1, 0], [3, 6], [1, 2]), TOL, 'sliceScatter');
  }),

  group('gather, scatterAdd, indexSelect, indexAdd', async (cmp) => {
    const r = rng(3);
    const x = t(r, [3, 5]);
    await cmp([x, idx([0, 4, 4, 1, 2, 0], [3, 2])], (a, i) => wg.gather(a, 1, i), TOL, 'gather axis 1');
    await cmp([x, idx([2, 0, 1, 1, 0], [1, 5])], (a, i) => wg.gather(a, 0, i), TOL, 'gather axis 0');
    await cmp([x, idx([0, 4, 4, 1, 2, 0], [3, 2]), t(r, [3, 2])], (a, i, s) => wg.scatterAdd(a, 1, i, s), TOL, 'scatterAdd with repeats');
    await cmp([x, idx([4, 0, 4])], (a, i) => wg.indexSelect(a, 1, i), TOL, 'indexSelect');
    await cmp([t(r, [5, 3], { permuted: [1, 0] }), idx([1, 1, 3])], (a, i) => wg.indexSelect(a, 0, i), TOL, 'indexSelect strided');
    await cmp([x, idx([2, 2]), t(r, [2, 5])], (a, i, s) => wg.indexAdd(a, 0, i, s), TOL, 'indexAdd');
  }),
];

export const LOSS_CASES: CaseGroup[] = [
  group('cross-entropy, nll, mse, l1, huber, bce with logits', async (cmp) => {
    const r = rng(4);
    const logits = t(r, [6, 4]);
    const targets = idx([0, 3, 1, 2, 3, 0]);
    await cmp([logits, targets], (x, y) => wg.crossEntropy(x, y), TOL, 'crossEntropy');
    await cmp([logits, idx([0, -100, 1, 2, -100, 0])], (x, y) => wg.crossEntropy(x, y, { labelSmoothing: 0.1 }), TOL, 'crossEntropy ignore + smoothing');
    await cmp([logits, targets], (x, y) => wg.nllLoss(x.logSoftmax(1), y, { reduction: 'none' }), TOL, 'nll none');
    await cmp([t(r, [2, 3, 2, 2]), idx([0, 2, 1, 1, 2, 0, 0, 1], [2, 2, 2])], (x, y) => wg.crossEntropy(x, y), TOL, 'spatial crossEntropy');
    await cmp([logits, t(r, [6, 4])], (x, y) => wg.mseLoss(x, y), TOL, 'mse');
    await cmp([logits, t(r, [6, 4])], (x, y) => wg.l1Loss(x, y, { reduction: 'sum' }), TOL, 'l1');
    await cmp([logits, t(r, [6, 4])], (x, y) => wg.huberLoss(x, y, { delta: 0.3 }), TOL, 'huber');
    const labels: Input = { data: uniform(r, 24).map((v) => (v > 0 ? 1 : 0)), shape: [6, 4] };
    await cmp([logits, labels], (x, y) => wg.binaryCrossEntropyWithLogits(x, y), TOL, 'bce');
  }),

  group('dropout draws the same mask on every backend for the same seed', async (cmp) => {
    const dropout = (a: wg.Tensor) => {
      wg.seed(42);
      return wg.dropout(a, 0.3, true);
    };
    await cmp([t(rng(5), [4, 50])], dropout, TOL, 'dropout');
  }),
];
