// Every layer's state dict survives a round trip through a safetensors file:
// a second layer built with other random weights, loaded from the bytes,
// computes exactly what the first computes.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSafetensors, saveSafetensors } from '../../src/io/index.js';
import { setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);

const { nn } = wg;

/** Each layer with an input it accepts. Every wg.nn class with a state is listed (the coverage check below). */
const LAYERS: [string, () => wg.nn.Module, () => wg.Tensor[]][] = [
  ['Linear', () => new nn.Linear(5, 3), () => [wg.randn([4, 5])]],
  ['Linear without bias', () => new nn.Linear(5, 3, { bias: false }), () => [wg.randn([4, 5])]],
  ['Conv2d', () => new nn.Conv2d(4, 6, 3, { padding: 1, groups: 2 }), () => [wg.randn([2, 4, 5, 5])]],
  ['BatchNorm1d', () => new nn.BatchNorm1d(3), () => [wg.randn([4, 3])]],
  ['BatchNorm2d', () => new nn.BatchNorm2d(3), () => [wg.randn([2, 3, 4, 4])]],
  ['LayerNorm', () => new nn.LayerNorm([3, 4]), () => [wg.randn([2, 3, 4])]],
  ['Embedding', () => new nn.Embedding(10, 4, { paddingIdx: 0 }), () => [wg.tensor([[1, 0, 9]], { dtype: 'int32' })]],
  ['RNN', () => new nn.RNN(3, 5, { numLayers: 2 }), () => [wg.randn([4, 2, 3])]],
  ['LSTM', () => new nn.LSTM(3, 5, { numLayers: 2, bidirectional: true }), () => [wg.randn([4, 2, 3])]],
  ['GRU', () => new nn.GRU(3, 5, { batchFirst: true }), () => [wg.randn([2, 4, 3])]],
  ['MultiheadAttention', () => new nn.MultiheadAttention(8, 2), () => [wg.randn([3, 2, 8]), wg.randn([3, 2, 8]), wg.randn([3, 2, 8])]],
  [
    'Sequential',
    () => new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 3 * 3, 2)),
    () => [wg.randn([2, 1, 5, 5])],
  ],
];

/** The outputs of forward as arrays (the RNNs and attention return tuples). */
function outputs(m: wg.nn.Module, xs: wg.Tensor[]): number[][] {
  const flat = (v: unknown): wg.Tensor[] => (v instanceof wg.Tensor ? [v] : Array.isArray(v) ? v.flatMap(flat) : []);
  return flat(m.forward(...xs)).map((t) => Array.from(t.dataSync()));
}

describe('state dicts through safetensors', () => {
  for (const [name, make, inputs] of LAYERS) {
    it(name, async () => {
      wg.seed(1);
      const a = make();
      // Running statistics and the like must travel too: one training-mode step first.
      wg.tidy(() => void a.forward(...inputs()));
      a.eval();
      const bytes = await saveSafetensors(a.stateDict());
      wg.seed(2);
      const b = make();
      b.eval();
      const { tensors } = loadSafetensors(bytes);
      expect(Object.keys(tensors).sort()).toEqual(Object.keys(a.stateDict()).sort());
      b.loadStateDict(tensors);
      wg.seed(3);
      const xs = inputs();
      const [ya, yb] = wg.tidy(() => [outputs(a, xs), outputs(b, xs)]);
      expect(yb).toEqual(ya);
      for (const [k, t] of Object.entries(b.stateDict())) expect(Array.from(t.dataSync()), k).toEqual(Array.from(a.stateDict()[k].dataSync()));
      wg.dispose([...xs, ...Object.values(tensors)]);
      a.dispose();
      b.dispose();
    });
  }

  it('covers every layer class that holds parameters or buffers', () => {
    const covered = new Set(LAYERS.map(([n]) => n.split(' ')[0]));
    for (const k of ['Linear', 'Conv2d', 'BatchNorm1d', 'BatchNorm2d', 'LayerNorm', 'Embedding', 'RNN', 'LSTM', 'GRU', 'MultiheadAttention']) {
      expect(covered.has(k), k).toBe(true);
    }
  });
});
