// The PyTorch-style and JAX-style autodiff APIs: accumulation, retainGraph,
// createGraph, noGrad, detach, customGrad, transforms, the PyTorch tie
// conventions, and memory: a repeated training step stays flat.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, FAST_BACKENDS, on, setupBackends, wg } from '../helpers/index.js';
import { throughLayers, throughLayersReference, W_SHAPE, X_SHAPE } from './through-layers.js';

beforeAll(setupBackends);

const T = (v: number[] | number[][], dtype: wg.DType = 'float32') => wg.tensor(v, { dtype, requiresGrad: true });
const arr = (t: wg.Tensor | null) => Array.from(t!.dataSync());

for (const backend of ['js', ...FAST_BACKENDS] as const) {
  describe(`autodiff on ${backend}`, () => {
    const run = (fn: () => void) => on(backend, () => wg.tidy(fn));

    it('backward fills .grad of leaves and accumulates across calls', () => {
      run(() => {
        const x = T([1, 2, 3]);
        const w = T([0.5, -1, 2]);
        x.mul(w).sum().backward();
        expect(arr(x.grad)).toEqual([0.5, -1, 2]);
        expect(arr(w.grad)).toEqual([1, 2, 3]);
        x.mul(x).sum().backward();
        expect(arr(x.grad)).toEqual([2.5, 3, 8]);
        const y = x.mul(2);
        expect(y.isLeaf).toBe(false);
        expect(y.gradFn?.op).toBe('mul');
        y.sum().backward();
        expect(y.grad).toBeNull(); // non-leaves keep no .grad
        expect(arr(x.grad)).toEqual([4.5, 5, 10]);
      });
    });

    it('a second backward needs retainGraph, as in PyTorch', () => {
      run(() => {
        const x = T([1, 2]);
        const y = x.exp().sum();
        y.backward({ retainGraph: true });
        y.backward(null, { retainGraph: true });
        y.backward();
        expectClose(arr(x.grad), [3 * Math.E, 3 * Math.E ** 2], { rtol: 1e-6 });
        expect(() => y.backward()).toThrow(/retainGraph/);
      });
    });

    it('createGraph makes .grad differentiable (second derivatives)', () => {
      run(() => {
        const x = T([0.5, -1]);
        const y = x.tanh().sum();
        y.backward(null, { createGraph: true });
        const g = x.grad!;
        expect(g.requiresGrad).toBe(true);
        x.grad = null;
        g.sum().backward();
        const t = [0.5, -1].map(Math.tanh);
        expectClose(
          arr(x.grad),
          t.map((v) => -2 * v * (1 - v * v)),
          { rtol: 1e-5 },
        );
      });
    });

    it('backward with an explicit gradient, and errors for non-scalars', () => {
      run(() => {
        const x = T([1, 2, 3]);
        const y = x.square();
        expect(() => y.backward()).toThrow(wg.ShapeError);
        y.backward(wg.tensor([1, 0, 2]));
        expect(arr(x.grad)).toEqual([2, 0, 12]);
        expect(() => wg.tensor([1]).sum().backward()).toThrow(/does not require a gradient/);
      });
    });

    it('noGrad records nothing and keeps nothing alive; enableGrad turns it back on', () => {
      run(() => {
        const x = T([1, 2, 3]);
        const before = wg.memory().tensors;
        const y = wg.noGrad(() => x.exp().mul(2).sum());
        expect(y.requiresGrad).toBe(false);
        expect(y.gradFn).toBeNull();
        // exp, mul and sum outputs only: no saved tensors behind them.
        expect(wg.memory().tensors - before).toBe(3);
        const z = wg.noGrad(() => wg.enableGrad(() => x.mul(3)));
        expect(z.requiresGrad).toBe(true);
        const c = wg.tensor([1, 2]).mul(2);
        expect(c.gradFn).toBeNull(); // nothing requires a gradient: nothing recorded
      });
    });

    it('detach and stopGradient cut the graph; requiresGrad_ only on leaves', () => {
      run(() => {
        const x = T([2, 3]);
        const y = x.mul(x.detach()).sum(); // d/dx = x (the detached factor is a constant)
        y.backward();
        expect(arr(x.grad)).toEqual([2, 3]);
        const g = wg.grad((a: wg.Tensor) => a.mul(wg.stopGradient(a)).sum())(wg.tensor([4, 5]));
        expect(arr(g)).toEqual([4, 5]);
        expect(() => x.mul(2).requiresGrad_()).toThrow(wg.ArgumentError);
        const leaf = wg.tensor([1]).requiresGrad_();
        expect(leaf.requiresGrad).toBe(true);
      });
    });

    it('int32 inputs, comparisons and argmax get no gradient and raise no error', () => {
      run(() => {
        const x = T([1, -2, 3]);
        const i = wg.tensor([1, 2, 3], { dtype: 'int32' });
        const y = x.mul(i).add(x.gt(0)).sum().add(x.argmax().cast('float32'));
        y.backward();
        expect(arr(x.grad)).toEqual([1, 2, 3]);
        expect(i.grad).toBeNull();
        expect(x.gt(0).requiresGrad).toBe(false);
      });
    });

    it("ties follow PyTorch: relu'(0) = 0, abs'(0) = 0, maximum splits, max splits evenly", () => {
      run(() => {
        const x = T([0, 1, -1]);
        x.relu().sum().backward();
        expect(arr(x.grad)).toEqual([0, 1, 0]);
        const a = T([0, 2]);
        a.abs().sum().backward();
        expect(arr(a.grad)).toEqual([0, 1]);
        const p = T([1, 2]);
        const q = T([1, 3]);
        wg.maximum(p, q).sum().backward();
        expect(arr(p.grad)).toEqual([0.5, 0]);
        expect(arr(q.grad)).toEqual([0.5, 1]);
        const m = T([3, 1, 3, 3]);
        m.max().backward();
        expectClose(arr(m.grad), [1 / 3, 0, 1 / 3, 1 / 3], { rtol: 1e-6 });
        const n = T([
          [1, 5],
          [5, 2],
        ]);
        n.min(1).sum().backward();
        expect(arr(n.grad)).toEqual([1, 0, 0, 1]);
      });
    });

    it('customGrad uses the given rule, which can be differentiated again', () => {
      run(() => {
        // log(1 + exp(x)) with a hand-written, stable gradient sigmoid(x).
        const softplus = wg.customGrad(
          (x) => x.exp().add(1).log(),
          (g, { inputs: [x] }) => g.mul(x.sigmoid()),
        );
        const x = T([0.5, -2]);
        softplus(x).sum().backward();
        expectClose(
          arr(x.grad),
          [0.5, -2].map((v) => 1 / (1 + Math.exp(-v))),
          { rtol: 1e-6 },
        );
        const h = wg.grad((y: wg.Tensor) =>
          wg
            .grad((z: wg.Tensor) => softplus(z).sum())(y)
            .sum(),
        )(wg.tensor([0.5, -2]));
        const s = [0.5, -2].map((v) => 1 / (1 + Math.exp(-v)));
        expectClose(
          arr(h),
          s.map((v) => v * (1 - v)),
          { rtol: 1e-5 },
        );
      });
    });

    it('grads, valueAndGrad, vjp and jvp return what JAX returns', () => {
      run(() => {
        const f = (a: wg.Tensor, b: wg.Tensor) => a.mul(b).sum();
        const a = wg.tensor([1, 2]);
        const b = wg.tensor([3, 4]);
        const [ga, gb] = wg.grads(f)(a, b);
        expect(arr(ga)).toEqual([3, 4]);
        expect(arr(gb)).toEqual([1, 2]);
        const [v, gs] = wg.valueAndGrad(f)(a, b);
        expect(v.item()).toBe(11);
        expect((gs as wg.Tensor[]).map(arr)).toEqual([
          [3, 4],
          [1, 2],
        ]);
        const [v1, g1] = wg.valueAndGrad((x: wg.Tensor) => x.square().sum())(a);
        expect(v1.item()).toBe(5);
        expect(arr(g1 as wg.Tensor)).toEqual([2, 4]);
        const [out, back] = wg.vjp((x: wg.Tensor, y: wg.Tensor) => x.mul(y), a, b);
        expect(arr(out)).toEqual([3, 8]);
        const r = back(wg.tensor([1, 10]));
        expect(Array.isArray(r)).toBe(true);
        expect(r.map(arr)).toEqual([
          [3, 40],
          [1, 20],
        ]);
        expect(back(wg.tensor([2, 0])).map(arr)).toEqual([
          [6, 0],
          [2, 0],
        ]); // callable again
        const [y, t] = wg.jvp((x: wg.Tensor) => x.square().sum(), [a], [wg.tensor([1, 1])]);
        expect(y.item()).toBe(5);
        expect(t.item()).toBe(6);
        expect(() => wg.grad((x: wg.Tensor) => x.square())(a)).toThrow(/scalar/);
      });
    });

    it('gradients flow through concat, slice, gather, where, conv2d and pooling', () => {
      run(() => {
        wg.seed(2);
        const x = wg.randn(X_SHAPE, { requiresGrad: true });
        const w = wg.randn(W_SHAPE, { requiresGrad: true });
        throughLayers(x, w).backward();
        // Compare with the same computation differentiated by the js reference backend in float64.
        expect(x.grad!.shape).toEqual([1, 2, 6, 6]);
        expect(w.grad!.shape).toEqual([3, 2, 3, 3]);
        expect(w.grad!.abs().sum().item()).toBeGreaterThan(0);
        const ref = throughLayersReference(x.dataSync(), w.dataSync());
        expectClose(arr(x.grad), ref[0], { rtol: 1e-4, atol: 1e-5 });
        expectClose(arr(w.grad), ref[1], { rtol: 1e-4, atol: 1e-5 });
      });
    });

    it('the tape frees saved tensors after backward', () => {
      run(() => {
        const x = T([1, 2, 3]);
        const before = wg.memory();
        const loss = x.exp().mul(x).tanh().sum();
        const recorded = wg.memory().tensors - before.tensors;
        loss.backward();
        const after = wg.memory().tensors - before.tensors;
        // Without retainGraph, backward drops the saved views; what is left is the
        // four outputs plus x.grad.
        expect(after).toBeLessThan(recorded);
        expect(after).toBe(5);
      });
    });

    it('1,000 training steps leave wg.memory() where it was', () => {
      on(backend, () => {
        wg.seed(1);
        const w1 = wg.keep(wg.randn([8, 16]).mul(0.3).requiresGrad_());
        const w2 = wg.keep(wg.randn([16, 4]).mul(0.3).requiresGrad_());
        const x = wg.keep(wg.randn([32, 8]));
        const y = wg.keep(wg.randint(0, 4, [32]));
        // The grads are owned by the leaves: dispose them as an optimizer's zeroGrad does.
        const stepFreeing = () => {
          const l = wg.tidy(() => {
            const loss = wg.crossEntropy(x.matmul(w1).relu().matmul(w2), y);
            loss.backward();
            wg.noGrad(() => {
              w1.sub_(w1.grad!.mul(0.1));
              w2.sub_(w2.grad!.mul(0.1));
            });
            return loss.item();
          });
          w1.grad?.dispose();
          w2.grad?.dispose();
          w1.grad = null;
          w2.grad = null;
          return l;
        };
        const first = stepFreeing();
        for (let i = 0; i < 20; i++) stepFreeing();
        const before = wg.memory();
        let last = first;
        for (let i = 0; i < 1000; i++) last = stepFreeing();
        const after = wg.memory();
        expect(after.tensors).toBe(before.tensors);
        expect(after.bytes).toBe(before.bytes);
        expect(after.heapBytes).toBe(before.heapBytes);
        expect(last).toBeLessThan(first);
        wg.dispose([w1, w2, x, y]);
      });
    });
  });
}
