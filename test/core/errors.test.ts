// Bad input: every op family validates before any kernel runs and throws an
// exported error class whose message names the op and the shapes; afterwards
// every live tensor still holds its data and the next op works.
import { beforeAll, describe, expect, it } from 'vitest';
import { on, setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);

type ErrorClass = new (...args: never[]) => Error;

for (const backend of ['js', 'wasm'] as const) {
  describe(`bad input on ${backend}`, () => {
    /** Expects `fn` to throw `cls` with a message matching `msg`, and nothing to change. */
    function rejects(cls: ErrorClass, msg: RegExp | string, fn: () => unknown): void {
      on(backend, () => {
        const sentinel = wg.tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]);
        const before = wg.memory();
        let caught: unknown = null;
        try {
          fn();
        } catch (e) {
          caught = e;
        }
        expect(caught, `expected ${cls.name}`).toBeInstanceOf(cls);
        expect(caught).toBeInstanceOf(wg.WasmgradError);
        expect((caught as Error).message).toMatch(msg);
        expect((caught as Error).name).toBe(cls.name);
        const after = wg.memory();
        expect(after.tensors, 'no tensor leaked').toBe(before.tensors);
        expect(after.bytes, 'no storage leaked').toBe(before.bytes);
        expect(sentinel.toArray()).toEqual([
          [1, 2, 3],
          [4, 5, 6],
        ]);
        const next = sentinel.add(1);
        expect(next.toArray()).toEqual([
          [2, 3, 4],
          [5, 6, 7],
        ]);
        wg.dispose([next, sentinel]);
      });
    }

    const a23 = () => wg.zeros([2, 3]);
    const make = <T>(fn: () => T): T => on(backend, fn);

    it('ShapeError for shapes that do not fit, in every family', () => {
      const x = make(a23);
      const y = make(() => wg.zeros([4, 5]));
      const v = make(() => wg.zeros([4]));
      rejects(wg.ShapeError, 'matmul: inner dimensions differ: [2,3] @ [4,5]', () => wg.matmul(x, y));
      rejects(wg.ShapeError, /add: shapes \[2,3\] and \[4\] cannot be broadcast/, () => x.add(v));
      const cond = make(() => x.gt(0));
      rejects(wg.ShapeError, /where/, () => wg.where(cond, v, x));
      rejects(wg.ShapeError, /reshape: cannot reshape tensor of shape \[2,3\].*\[4,2\]/, () => x.reshape([4, 2]));
      rejects(wg.ShapeError, /concat: shapes \[2,3\], \[4,5\] differ outside axis 0/, () => wg.concat([x, y]));
      rejects(wg.ShapeError, /stack/, () => wg.stack([x, y]));
      rejects(wg.ShapeError, /split: sections \[1,2\] do not add up to 2/, () => wg.split(x, [1, 2], 0));
      const w1 = make(() => wg.zeros([1, 1, 1, 1]));
      const x135 = make(() => wg.zeros([1, 3, 5, 5]));
      const w2 = make(() => wg.zeros([2, 2, 3, 3]));
      const x22 = make(() => wg.zeros([1, 1, 2, 2]));
      const w33 = make(() => wg.zeros([1, 1, 3, 3]));
      const i3 = make(() => wg.zeros([3], { dtype: 'int32' }));
      rejects(wg.ShapeError, /conv2d: input must be 4-D/, () => wg.conv2d(x, w1));
      rejects(wg.ShapeError, /conv2d: input \[1,3,5,5\] and weight \[2,2,3,3\] do not fit groups=1/, () => wg.conv2d(x135, w2));
      rejects(wg.ShapeError, /conv2d: input \[1,1,2,2\] is too small/, () => wg.conv2d(x22, w33));
      rejects(wg.ShapeError, /maxPool2d: input must be 4-D/, () => wg.maxPool2d(x, { kernelSize: 2 }));
      rejects(wg.ShapeError, /gather: index of shape \[3\] does not fit input \[2,3\]/, () => wg.gather(x, 1, i3));
      rejects(wg.ShapeError, /crossEntropy: input \[2,3\].*targets of shape \[2\], got \[3\]/, () => wg.crossEntropy(x, i3));
      rejects(wg.ShapeError, /mseLoss: input \[2,3\] and target \[4\]/, () => wg.mseLoss(x, v));
      rejects(wg.ShapeError, /broadcastTo: cannot broadcast shape \[4\] to \[2,3\]/, () => v.broadcastTo([2, 3]));
      rejects(wg.ShapeError, /tensor: nested arrays are not rectangular/, () => wg.tensor([[1, 2], [3]]));
      rejects(wg.ShapeError, /tensor: 3 values do not fill shape \[2,2\]/, () => wg.tensor([1, 2, 3], { shape: [2, 2] }));
      rejects(wg.ShapeError, /item: only a one-element tensor/, () => x.item());
      rejects(wg.ShapeError, /dot: expected two 1-D tensors of the same length, got \[2,3\] and \[4\]/, () => wg.dot(x, v));
      wg.dispose([x, y, v, cond, w1, x135, w2, x22, w33, i3]);
    });

    it('DTypeError for dtypes an op does not take', () => {
      const x = make(a23);
      const i = make(() => wg.zeros([2, 3], { dtype: 'int32' }));
      const ix = make(() => wg.zeros([1, 1, 3, 3], { dtype: 'int32' }));
      const iw = make(() => wg.zeros([1, 1, 1, 1], { dtype: 'int32' }));
      const f2 = make(() => wg.zeros([2]));
      rejects(wg.DTypeError, /gather: index must be int32, got float32/, () => wg.gather(x, 1, x));
      rejects(wg.DTypeError, /conv2d: input and weight must share a float dtype/, () => wg.conv2d(ix, iw));
      rejects(wg.DTypeError, /nllLoss: class targets must be int32/, () => wg.nllLoss(x, f2));
      rejects(wg.ShapeError, /crossEntropy: probability targets must have the logits' shape \[2,3\]/, () => wg.crossEntropy(x, f2));
      rejects(wg.DTypeError, /tensor: unknown dtype 'float16'/, () => wg.tensor([1], { dtype: 'float16' as never }));
      rejects(wg.DTypeError, /rand: dtype must be float32 or float64/, () => wg.rand([2], { dtype: 'int32' }));
      rejects(wg.DTypeError, /requiresGrad_: only floating-point/, () => i.requiresGrad_());
      rejects(wg.DTypeError, /cast: unknown dtype/, () => x.cast('bool' as never));
      wg.dispose([x, i, ix, iw, f2]);
    });

    it('ArgumentError for bad values, including out-of-range indices found in the data', () => {
      const x = make(a23);
      rejects(wg.ArgumentError, /sum: axis 2 is out of range for a tensor of rank 2 \(shape \[2,3\]\)/, () => x.sum(2));
      rejects(wg.ArgumentError, /softmax: axis -3 is out of range/, () => x.softmax(-3));
      rejects(wg.ArgumentError, /permute: expected 2 axes for shape \[2,3\]/, () => x.permute([0]));
      rejects(wg.ArgumentError, /zeros: invalid shape \[2,-1\]/, () => wg.zeros([2, -1]));
      rejects(wg.ArgumentError, /pad: padding must be non-negative/, () => x.pad([-1, 0]));
      rejects(wg.ArgumentError, /slice: begin must be an array/, () => x.slice(1 as never, 0 as never));
      const x4 = make(() => wg.zeros([1, 1, 3, 3]));
      const w4 = make(() => wg.zeros([1, 1, 1, 1]));
      const bad = make(() =>
        wg.tensor(
          [
            [0, 3],
            [1, 1],
          ],
          { dtype: 'int32' },
        ),
      );
      const neg = make(() => wg.tensor([0, -1], { dtype: 'int32' }));
      rejects(wg.ArgumentError, /maxPool2d: kernelSize is required/, () => wg.maxPool2d(x4, {} as never));
      rejects(wg.ArgumentError, /conv2d: stride must be an integer >= 1/, () => wg.conv2d(x4, w4, { stride: 0 }));
      rejects(wg.ArgumentError, /dropout: p must be in \[0, 1\]/, () => x.dropout(1.5));
      rejects(wg.ArgumentError, /gather: index 3 is out of range for axis 1 of size 3/, () => wg.gather(x, 1, bad));
      rejects(wg.ArgumentError, /indexSelect: index -1 is out of range/, () => wg.indexSelect(x, 0, neg));
      const src = make(() => x.slice([0, 0], [2, 2]));
      rejects(wg.ArgumentError, /scatterAdd: index 3 is out of range/, () => wg.scatterAdd(x, 1, bad, src));
      rejects(wg.ArgumentError, /add: first operand must be a Tensor/, () => wg.add('x' as never, x));
      wg.dispose([x, x4, w4, bad, neg, src]);
    });

    it('DisposedError for use after dispose; nothing reads freed memory', () => {
      const x = make(a23);
      const view = make(() => x.reshape([3, 2]));
      x.dispose();
      expect(view.toArray()).toEqual([
        [0, 0],
        [0, 0],
        [0, 0],
      ]);
      rejects(wg.DisposedError, /add: tensor \[2,3\] \(id \d+\) was disposed/, () => x.add(1));
      rejects(wg.DisposedError, /dataSync: tensor \[2,3\]/, () => x.dataSync());
      rejects(wg.DisposedError, /matmul/, () => wg.matmul(view, x));
      rejects(wg.DisposedError, /concat/, () => wg.concat([view, x]));
      view.dispose();
    });

    it('OutOfMemoryError past what the backend can give, and the library stays usable', () => {
      // 2^31 floats is 8 GiB: more than a 4 GiB WebAssembly memory, more than a typed array may hold.
      rejects(wg.OutOfMemoryError, /out of memory/, () => wg.zeros([2 ** 31]));
      rejects(wg.OutOfMemoryError, /out of memory/, () => wg.ones([2 ** 16, 2 ** 16]));
      const x = make(() => wg.ones([1000]));
      const row = make(() => x.reshape([1, 1000]).broadcastTo([2 ** 21, 1000]));
      rejects(wg.OutOfMemoryError, /out of memory/, () => row.add(1));
      row.dispose();
      expect(make(() => wg.tidy(() => x.sum().item()))).toBe(1000);
      x.dispose();
    });
  });
}

describe('init rejects unknown backends', () => {
  it('throws ArgumentError', async () => {
    await expect(wg.init({ backend: 'cuda' as never })).rejects.toBeInstanceOf(wg.ArgumentError);
  });
});
