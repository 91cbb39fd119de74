// RNN, LSTM, GRU and MultiheadAttention beyond the PyTorch fixtures: argument
// checking, the relations between outputs and final states, equivalent ways of
// masking, and first- and second-order gradient checks (the layers are written
// with differentiable ops, so Hessian-vector products work through them).
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, wg } from '../helpers/index.js';

beforeAll(() => wg.init({ backend: 'wasm' }));

const { nn } = wg;
const values = (t: wg.Tensor) => Array.from(t.dataSync());

describe('recurrent layers', () => {
  it('check their arguments', () => {
    expect(() => new nn.RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow(wg.ArgumentError);
    expect(() => new nn.LSTM(3, 4, { projSize: 4 })).toThrow(/projSize/);
    expect(() => new nn.GRU(3, 4, { numLayers: 0 })).toThrow(wg.ArgumentError);
    expect(() => new nn.GRU(0, 4)).toThrow(wg.ArgumentError);
    expect(() => new nn.RNN(3, 4, { dropout: 1.5 })).toThrow(wg.ArgumentError);
    const lstm = new nn.LSTM(3, 4, { numLayers: 2 });
    wg.tidy(() => {
      expect(() => lstm.forward(wg.zeros([5, 2, 4]))).toThrow(/expected input \[L, N, 3\]/);
      expect(() => lstm.forward(wg.zeros([5, 2, 3, 1]))).toThrow(wg.ShapeError);
      expect(() => lstm.forward(wg.zeros([5, 2, 3], { dtype: 'int32' }))).toThrow(wg.DTypeError);
      expect(() => lstm.forward(wg.zeros([5, 2, 3]), [wg.zeros([1, 2, 4]), wg.zeros([2, 2, 4])])).toThrow(/hx of shape \[2,2,4\]/);
      expect(() => lstm.forward(wg.zeros([5, 2, 3]), wg.zeros([2, 2, 4]) as unknown as [wg.Tensor, wg.Tensor])).toThrow(/pair/);
    });
    lstm.dispose();
  });

  it('return the last step of the output as hN (and the first step of the reverse direction)', () => {
    wg.seed(1);
    for (const m of [new nn.GRU(3, 4, { bidirectional: true, batchFirst: true }), new nn.LSTM(3, 4, { bidirectional: true, batchFirst: true })]) {
      wg.tidy(() => {
        const [out, state] = m.forward(wg.randn([2, 6, 3])) as [wg.Tensor, wg.Tensor | wg.Tensor[]];
        const hN = Array.isArray(state) ? state[0] : state;
        expect(out.shape).toEqual([2, 6, 8]);
        expect(hN.shape).toEqual([2, 2, 4]);
        expect(values(out.select(1, 5).narrow(1, 0, 4))).toEqual(values(hN.select(0, 0)));
        expect(values(out.select(1, 0).narrow(1, 4, 4))).toEqual(values(hN.select(0, 1)));
      });
      m.dispose();
    }
  });

  it('start from zeros without hx', () => {
    wg.seed(2);
    const m = new nn.RNN(3, 5, { numLayers: 2, nonlinearity: 'relu' });
    wg.tidy(() => {
      const x = wg.randn([4, 2, 3]);
      expect(values(m.forward(x)[0])).toEqual(values(m.forward(x, wg.zeros([2, 2, 5]))[0]));
    });
    m.dispose();
  });

  for (const kind of ['LSTM', 'GRU', 'RNN'] as const) {
    it(`${kind}: gradients of order 1 and 2 with respect to the input and the initial state`, () => {
      wg.seed(3);
      const m = new nn[kind](2, 3, { numLayers: 2, bidirectional: kind !== 'RNN' });
      const states = kind === 'RNN' ? 2 : 4;
      const x = wg.randn([3, 2, 2], { dtype: 'float64' });
      const h0 = wg.randn([states, 2, 3], { dtype: 'float64' });
      const f = (x: wg.Tensor, h: wg.Tensor) => {
        const [out, hN] = kind === 'LSTM' ? (m as wg.nn.LSTM).forward(x, [h, h.mul(0.5)]) : (m as wg.nn.GRU).forward(x, h);
        return out.sum().add((Array.isArray(hN) ? hN[1] : hN).square().sum());
      };
      expect(wg.gradcheck(f, [x, h0], { order: 2 }).ok).toBe(true);
      wg.dispose([x, h0]);
      m.dispose();
    });
  }
});

describe('MultiheadAttention', () => {
  it('checks its arguments', () => {
    expect(() => new nn.MultiheadAttention(6, 4)).toThrow(/divisible/);
    const m = new nn.MultiheadAttention(8, 2, { kdim: 3 });
    wg.tidy(() => {
      const q = wg.zeros([4, 2, 8]);
      const k = wg.zeros([5, 2, 3]);
      const v = wg.zeros([5, 2, 8]);
      expect(() => m.forward(q, q, v)).toThrow(/feature sizes 8, 3, 8/);
      expect(() => m.forward(q, k, wg.zeros([6, 2, 8]))).toThrow(wg.ShapeError);
      expect(() => m.forward(q, k.select(1, 0), v)).toThrow(/all be 3-D/);
      expect(() => m.forward(q, k, v, { attnMask: wg.zeros([4, 4]) })).toThrow(/attnMask must be \[4, 5\] or \[4, 4, 5\]/);
      expect(() => m.forward(q, k, v, { keyPaddingMask: wg.zeros([5, 2]) })).toThrow(/keyPaddingMask must be \[2,5\]/);
      expect(() => m.forward(q.int(), k, v)).toThrow(wg.DTypeError);
    });
    m.dispose();
  });

  it('returns weights per head or averaged (rows sum to 1), or none', () => {
    wg.seed(4);
    const m = new nn.MultiheadAttention(8, 4, { batchFirst: true });
    wg.tidy(() => {
      const q = wg.randn([2, 3, 8]);
      const kv = wg.randn([2, 5, 8]);
      const [out, w] = m.forward(q, kv, kv, { averageAttnWeights: false });
      expect(out.shape).toEqual([2, 3, 8]);
      expect(w!.shape).toEqual([2, 4, 3, 5]);
      expectClose(values(w!.sum(-1)), new Array(24).fill(1), { rtol: 1e-6 });
      const [out2, avg] = m.forward(q, kv, kv);
      expect(values(out2)).toEqual(values(out));
      expectClose(values(avg!), values(w!.mean(1)), { rtol: 1e-6 });
      expect(m.forward(q, kv, kv, { needWeights: false })[1]).toBeNull();
    });
    m.dispose();
  });

  it('isCausal, an int32 mask and a float -inf mask agree; masked keys get no weight', () => {
    wg.seed(5);
    const m = new nn.MultiheadAttention(8, 2);
    wg.tidy(() => {
      const x = wg.randn([4, 2, 8]);
      const above = wg
        .tensor([0, 1, 2, 3])
        .reshape([1, 4])
        .gt(wg.tensor([0, 1, 2, 3]).reshape([4, 1]));
      const [a, wa] = m.forward(x, x, x, { isCausal: true });
      const [b] = m.forward(x, x, x, { attnMask: above });
      const [c] = m.forward(x, x, x, { attnMask: wg.where(above, -Infinity, 0) });
      expect(values(b)).toEqual(values(a));
      expectClose(values(c), values(a), { rtol: 1e-6 });
      const w = values(wa!);
      // weights [N, L, S]: key j > query i is masked.
      for (let n = 0; n < 2; n++) for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(w[n * 16 + i * 4 + j]).toBe(0);
      // A padded key gets no weight from any query.
      const [, wp] = m.forward(x, x, x, {
        keyPaddingMask: wg.tensor(
          [
            [0, 0, 1, 0],
            [0, 0, 0, 0],
          ],
          { dtype: 'int32' },
        ),
      });
      const p = values(wp!);
      for (let i = 0; i < 4; i++) expect(p[i * 4 + 2]).toBe(0);
    });
    m.dispose();
  });

  it('gradients of order 1 and 2 with respect to query, key and value', () => {
    wg.seed(6);
    const m = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 2, addBiasKv: true });
    const q = wg.randn([3, 2, 4], { dtype: 'float64' });
    const k = wg.randn([2, 2, 3], { dtype: 'float64' });
    const v = wg.randn([2, 2, 2], { dtype: 'float64' });
    const kpm = wg.tensor(
      [
        [0, 1],
        [0, 0],
      ],
      { dtype: 'int32' },
    );
    const f = (q: wg.Tensor, k: wg.Tensor, v: wg.Tensor) => {
      const [out, w] = m.forward(q, k, v, { keyPaddingMask: kpm });
      return out.square().sum().add(w!.mul(w!).sum());
    };
    expect(wg.gradcheck(f, [q, k, v], { order: 2 }).ok).toBe(true);
    wg.dispose([q, k, v, kpm]);
    m.dispose();
  });
});
