// nn.Module: discovery and naming of parameters, buffers and children; modes;
// state dicts; gradients and disposal; default initialisation and the init
// functions; seeding.
import { beforeAll, describe, expect, it } from 'vitest';
import { wg } from '../helpers/index.js';

beforeAll(() => wg.init({ backend: 'wasm' }));

const { nn } = wg;

class Net extends nn.Module {
  fc = new nn.Linear(3, 4);
  body = new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU(), new nn.Linear(4, 2, { bias: false }));
  bn = new nn.BatchNorm1d(2);
  forward(x: wg.Tensor): wg.Tensor {
    return this.bn.forward(this.body.forward(this.fc.forward(x)));
  }
}

const shapes = (m: wg.nn.Module) => m.namedParameters().map(([k, p]) => [k, p.shape]);
const values = (t: wg.Tensor) => Array.from(t.dataSync());

function moments(t: wg.Tensor): { mean: number; variance: number; maxAbs: number } {
  const v = values(t);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, variance, maxAbs: Math.max(...v.map(Math.abs)) };
}

/** Sample mean and variance within 5 standard errors of the expected ones. */
function expectMoments(t: wg.Tensor, mean: number, variance: number, what = ''): void {
  const s = moments(t);
  expect(Math.abs(s.mean - mean), `${what} mean`).toBeLessThan(5 * Math.sqrt(variance / t.size));
  expect(Math.abs(s.variance / variance - 1), `${what} variance`).toBeLessThan(5 * Math.sqrt(2 / t.size));
}

describe('names', () => {
  it('gives dotted names to nested parameters, own tensors first, as PyTorch', () => {
    const net = new Net();
    expect(net.namedParameters().map(([k]) => k)).toEqual(['fc.weight', 'fc.bias', 'body.0.weight', 'body.0.bias', 'body.2.weight', 'bn.weight', 'bn.bias']);
    expect(net.namedBuffers().map(([k]) => k)).toEqual(['bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
    expect(Object.keys(net.stateDict())).toEqual([
      ...['fc.weight', 'fc.bias', 'body.0.weight', 'body.0.bias', 'body.2.weight'],
      ...['bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked'],
    ]);
    expect(net.namedChildren().map(([k]) => k)).toEqual(['fc', 'body', 'bn']);
    expect(net.children()).toEqual([net.fc, net.body, net.bn]);
    expect(net.modules().map((m) => m.constructor.name)).toEqual(['Net', 'Linear', 'Sequential', 'Linear', 'ReLU', 'Linear', 'BatchNorm1d']);
    net.dispose();
  });

  it('names a shared parameter once', () => {
    const lin = new nn.Linear(2, 2);
    const seq = new nn.Sequential(lin, new nn.Tanh(), lin);
    expect(seq.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias']);
    expect(seq.length).toBe(3);
    expect(seq.at(-1)).toBe(lin);
    seq.dispose();
  });

  it('ModuleList registers its modules as 0, 1, ... and has no forward', () => {
    const list = new nn.ModuleList([new nn.Linear(2, 3), new nn.Linear(3, 1)]);
    expect(list.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(list.length).toBe(2);
    expect(list.at(1)).toBeInstanceOf(nn.Linear);
    expect(() => list.forward()).toThrow(wg.ArgumentError);
    list.dispose();
  });

  it('names recurrent parameters as PyTorch, with its shapes and order', () => {
    const lstm = new nn.LSTM(2, 3, { numLayers: 2, bidirectional: true, projSize: 2 });
    const layer = (sfx: string, inSize: number) => [
      [`weight_ih${sfx}`, [12, inSize]],
      [`weight_hh${sfx}`, [12, 2]],
      [`bias_ih${sfx}`, [12]],
      [`bias_hh${sfx}`, [12]],
      [`weight_hr${sfx}`, [2, 3]],
    ];
    expect(shapes(lstm)).toEqual([...layer('_l0', 2), ...layer('_l0_reverse', 2), ...layer('_l1', 4), ...layer('_l1_reverse', 4)]);
    const gru = new nn.GRU(4, 5, { bias: false });
    expect(shapes(gru)).toEqual([
      ['weight_ih_l0', [15, 4]],
      ['weight_hh_l0', [15, 5]],
    ]);
    const rnn = new nn.RNN(4, 5, { numLayers: 2 });
    expect(rnn.namedParameters().map(([k]) => k)).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
      'bias_ih_l0',
      'bias_hh_l0',
      'weight_ih_l1',
      'weight_hh_l1',
      'bias_ih_l1',
      'bias_hh_l1',
    ]);
    for (const m of [lstm, gru, rnn]) m.dispose();
  });

  it('names attention parameters as PyTorch', () => {
    const a = new nn.MultiheadAttention(8, 2);
    expect(shapes(a)).toEqual([
      ['in_proj_weight', [24, 8]],
      ['in_proj_bias', [24]],
      ['out_proj.weight', [8, 8]],
      ['out_proj.bias', [8]],
    ]);
    const b = new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 5, addBiasKv: true });
    expect(shapes(b)).toEqual([
      ['q_proj_weight', [8, 8]],
      ['k_proj_weight', [8, 3]],
      ['v_proj_weight', [8, 5]],
      ['in_proj_bias', [24]],
      ['bias_k', [1, 1, 8]],
      ['bias_v', [1, 1, 8]],
      ['out_proj.weight', [8, 8]],
      ['out_proj.bias', [8]],
    ]);
    a.dispose();
    b.dispose();
  });

  it('counts parameters (the counts are PyTorch s)', () => {
    const cases: [wg.nn.Module, number][] = [
      [new nn.Linear(3, 4), 16],
      [new nn.LSTM(2, 3), 84],
      [new nn.GRU(4, 5, { numLayers: 2 }), 345],
      [new nn.MultiheadAttention(8, 2), 288],
      [new nn.BatchNorm1d(5), 10],
    ];
    for (const [m, n] of cases) {
      expect(m.numParameters(), m.constructor.name).toBe(n);
      m.dispose();
    }
  });
});

describe('modes', () => {
  it('train and eval reach every module', () => {
    const net = new Net();
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(net.modules().some((m) => m.training)).toBe(false);
    net.dispose();
  });

  it('recurrent dropout between layers acts only in training mode', () => {
    wg.seed(1);
    const lstm = new nn.LSTM(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = wg.randn([4, 2, 3]);
    const run = () => wg.tidy(() => values(lstm.forward(x)[0]));
    expect(run()).not.toEqual(run());
    lstm.eval();
    expect(run()).toEqual(run());
    lstm.dispose();
    x.dispose();
  });

  it('attention dropout acts only in training mode', () => {
    wg.seed(2);
    const mha = new nn.MultiheadAttention(8, 2, { dropout: 0.5 });
    const x = wg.randn([3, 2, 8]);
    const run = () => wg.tidy(() => values(mha.forward(x, x, x)[0]));
    expect(run()).not.toEqual(run());
    mha.eval();
    expect(run()).toEqual(run());
    mha.dispose();
    x.dispose();
  });
});

describe('state dicts', () => {
  it('round-trips between two modules', () => {
    const a = new Net();
    const b = new Net();
    const r = b.loadStateDict(a.stateDict());
    expect(r).toEqual({ missingKeys: [], unexpectedKeys: [] });
    for (const [k, t] of Object.entries(a.stateDict())) expect(values(b.stateDict()[k]), k).toEqual(values(t));
    // Copies, not aliases.
    expect(b.fc.weight).not.toBe(a.fc.weight);
    a.dispose();
    b.dispose();
  });

  it('strict loading names the missing and the unexpected keys', () => {
    const m = new nn.LSTM(2, 3);
    const state = { ...m.stateDict() };
    delete (state as Record<string, wg.Tensor>).bias_hh_l0;
    const extra = wg.zeros([12]);
    state.bias_hh_l1 = extra;
    expect(() => m.loadStateDict(state)).toThrow(/missing \[bias_hh_l0\], unexpected \[bias_hh_l1\]/);
    expect(() => m.loadStateDict(state)).toThrow(wg.ArgumentError);
    // Not strict: loads what matches and reports the rest.
    const before = values(m.stateDict().weight_ih_l0);
    const zeroed = { ...state, weight_ih_l0: wg.zeros([12, 2]) };
    expect(m.loadStateDict(zeroed, { strict: false })).toEqual({ missingKeys: ['bias_hh_l0'], unexpectedKeys: ['bias_hh_l1'] });
    expect(values(m.stateDict().weight_ih_l0).every((v) => v === 0)).toBe(true);
    expect(before.some((v) => v !== 0)).toBe(true);
    zeroed.weight_ih_l0.dispose();
    extra.dispose();
    m.dispose();
  });

  it('rejects a shape mismatch, naming the key and both shapes, and changes nothing', () => {
    const m = new nn.MultiheadAttention(8, 2);
    const state = { ...m.stateDict(), in_proj_bias: wg.zeros([8]) };
    const before = values(m.out_proj.weight);
    expect(() => m.loadStateDict(state)).toThrow(wg.ShapeError);
    expect(() => m.loadStateDict(state)).toThrow(/'in_proj_bias' has shape \[8\] in the state dict but \[24\]/);
    expect(values(m.out_proj.weight)).toEqual(before);
    state.in_proj_bias.dispose();
    m.dispose();
  });
});

describe('gradients and lifetime', () => {
  it('zeroGrad clears every gradient', () => {
    const net = new Net();
    wg.tidy(() =>
      net
        .forward(wg.randn([5, 3]))
        .square()
        .sum()
        .backward(),
    );
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    net.dispose();
  });

  it('parameters survive tidy; dispose frees everything the module holds', () => {
    const before = wg.memory().tensors;
    const made = wg.tidy(() => [
      new Net(),
      new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }),
      new nn.GRU(2, 3),
      new nn.MultiheadAttention(4, 2, { kdim: 3, addBiasKv: true }),
    ]);
    const net = made[0] as Net;
    expect(net.fc.weight.isDisposed).toBe(false);
    wg.tidy(() => {
      const x = wg.randn([2, 3, 3]);
      (made[1] as wg.nn.LSTM).forward(x)[0].sum().backward();
    });
    for (const m of made) {
      m.zeroGrad();
      m.dispose();
    }
    expect(wg.memory().tensors).toBe(before);
    expect(() => net.fc.weight.add(1)).toThrow(wg.DisposedError);
  });
});

describe('initialisation', () => {
  it('Linear: weight and bias U(-1/sqrt(fanIn), 1/sqrt(fanIn))', () => {
    wg.seed(3);
    const lin = new nn.Linear(400, 250);
    const bound = 1 / 20;
    const w = moments(lin.weight);
    expect(w.maxAbs).toBeLessThanOrEqual(bound);
    expect(w.maxAbs).toBeGreaterThan(0.99 * bound);
    expectMoments(lin.weight, 0, bound ** 2 / 3);
    expect(moments(lin.bias!).maxAbs).toBeLessThanOrEqual(bound);
    lin.dispose();
  });

  it('recurrent layers: every tensor U(-1/sqrt(H), 1/sqrt(H))', () => {
    wg.seed(4);
    for (const m of [new nn.LSTM(10, 64), new nn.GRU(10, 64), new nn.RNN(10, 64)]) {
      for (const [k, p] of m.namedParameters()) {
        expect(moments(p).maxAbs, k).toBeLessThanOrEqual(1 / 8);
        expectMoments(p, 0, 1 / 64 / 3, k);
      }
      m.dispose();
    }
  });

  it('MultiheadAttention: xavier-uniform in_proj_weight, zero biases', () => {
    wg.seed(5);
    const m = new nn.MultiheadAttention(64, 4);
    const a = Math.sqrt(6 / (64 + 192));
    expect(moments(m.in_proj_weight!).maxAbs).toBeLessThanOrEqual(a);
    expectMoments(m.in_proj_weight!, 0, (a * a) / 3);
    expect(values(m.in_proj_bias!).every((v) => v === 0)).toBe(true);
    expect(values(m.out_proj.bias!).every((v) => v === 0)).toBe(true);
    // out_proj.weight keeps Linear's default.
    expect(moments(m.out_proj.weight).maxAbs).toBeLessThanOrEqual(1 / 8);
    m.dispose();
  });

  it('init functions give the documented moments', () => {
    wg.seed(11);
    const t = wg.zeros([300, 400]);
    const check = (mean: number, variance: number) => expectMoments(t, mean, variance);
    nn.init.uniform_(t, -1, 3);
    check(1, 16 / 12);
    nn.init.normal_(t, 2, 3);
    check(2, 9);
    nn.init.xavierUniform_(t);
    check(0, 2 / 700);
    nn.init.xavierNormal_(t, 2);
    check(0, (4 * 2) / 700);
    nn.init.kaimingUniform_(t);
    check(0, 2 / 400);
    nn.init.kaimingNormal_(t, { mode: 'fanOut', nonlinearity: 'relu' });
    check(0, 2 / 300);
    nn.init.constant_(t, 0.5);
    expect(moments(t)).toEqual({ mean: 0.5, variance: 0, maxAbs: 0.5 });
    expect(nn.init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    expect(nn.init.calculateGain('leakyRelu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04));
    t.dispose();
  });

  it('orthogonal_ gives orthonormal rows (or columns) times the gain', () => {
    for (const [shape, gain] of [
      [[6, 10], 1],
      [[10, 6], 2],
      [[5, 5], 1],
    ] as [number[], number][]) {
      const w = nn.init.orthogonal_(wg.zeros(shape, { dtype: 'float64' }), gain);
      const wide = shape[0] <= shape[1];
      const gram = wg.tidy(() => (wide ? w.matmul(w.T) : w.T.matmul(w)).div(gain * gain));
      const n = Math.min(...shape);
      const eye = wg.eye(n, n, { dtype: 'float64' });
      values(gram).forEach((v, i) => expect(v, `${shape} gram ${i}`).toBeCloseTo(values(eye)[i], 10));
      wg.dispose([w, gram, eye]);
    }
  });
});

describe('seeding', () => {
  it('wg.seed makes initialisation (and so outputs) reproducible', () => {
    const make = (s: number) => {
      wg.seed(s);
      const m = new nn.LSTM(3, 4, { numLayers: 2 });
      const v = m.parameters().flatMap(values);
      m.dispose();
      return v;
    };
    const a = make(5);
    expect(make(5)).toEqual(a);
    expect(make(6)).not.toEqual(a);
    const attention = () => {
      wg.seed(9);
      const m = new nn.MultiheadAttention(4, 2);
      const v = m.parameters().flatMap(values);
      m.dispose();
      return v;
    };
    expect(attention()).toEqual(attention());
  });
});
