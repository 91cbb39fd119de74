// Lifetimes and memory accounting: dispose, tidy, keep, `using`, the
// FinalizationRegistry safety net, and the heap after many ops.
import { beforeAll, describe, expect, it } from 'vitest';
import { on, setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);

describe('lifetimes', () => {
  it('dispose frees storage once the last view goes', () => {
    const m0 = wg.memory();
    const x = wg.zeros([100]);
    const v = x.reshape([10, 10]);
    expect(wg.memory().tensors).toBe(m0.tensors + 2);
    expect(wg.memory().bytes).toBe(m0.bytes + 400);
    x.dispose();
    expect(wg.memory().bytes).toBe(m0.bytes + 400);
    expect(wg.tidy(() => v.sum().item())).toBe(0);
    v.dispose();
    x.dispose(); // twice is fine
    expect(wg.memory()).toMatchObject({ tensors: m0.tensors, bytes: m0.bytes });
  });

  it('tidy keeps what it returns, nested, and what keep() pins', () => {
    const m0 = wg.memory().tensors;
    let kept: wg.Tensor | null = null;
    const [a, b] = wg.tidy(() => {
      const x = wg.ones([3]);
      const inner = wg.tidy(() => x.add(1).mul(2));
      kept = wg.keep(x.mul(3));
      x.exp();
      return [inner, { nested: inner.add(1) }.nested];
    });
    expect(a.toArray()).toEqual([4, 4, 4]);
    expect(b.toArray()).toEqual([5, 5, 5]);
    expect(kept!.toArray()).toEqual([3, 3, 3]);
    expect(wg.memory().tensors).toBe(m0 + 3);
    wg.dispose([a, b, kept!]);
    expect(wg.memory().tensors).toBe(m0);
  });

  it('tidy disposes even when fn throws, and refuses promises', () => {
    const m0 = wg.memory().tensors;
    expect(() =>
      wg.tidy(() => {
        wg.ones([4]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(wg.memory().tensors).toBe(m0);
    expect(() => wg.tidy(() => Promise.resolve(1) as never)).toThrow(/Promise/);
  });

  it('`using` disposes at the end of the block', () => {
    const m0 = wg.memory().tensors;
    {
      using t = wg.ones([8]);
      expect(t.size).toBe(8);
      expect(wg.memory().tensors).toBe(m0 + 1);
    }
    expect(wg.memory().tensors).toBe(m0);
  });

  it('the FinalizationRegistry frees unreachable tensors', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'tests run with --expose-gc').toBeTypeOf('function');
    const m0 = wg.memory();
    (() => {
      for (let i = 0; i < 200; i++) wg.ones([256]);
    })();
    expect(wg.memory().tensors).toBe(m0.tensors + 200);
    for (let i = 0; i < 10 && wg.memory().tensors > m0.tensors; i++) {
      gc!();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(wg.memory()).toMatchObject({ tensors: m0.tensors, bytes: m0.bytes });
  });

  it('10,000 small ops inside tidy leave the counts where they were and the heap flat', () => {
    const x = wg.randn([16, 16]);
    const w = wg.randn([16, 16]);
    const step = (i: number) =>
      wg.tidy(() => {
        const y = x.matmul(w).add(i).relu().mul(0.5).softmax(-1);
        return y.sum().item();
      });
    for (let i = 0; i < 200; i++) step(i); // warm up: the heap reaches its working size
    const before = wg.memory();
    for (let i = 0; i < 10_000 / 5; i++) step(i); // 5 ops + a sum each
    const after = wg.memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
    expect(after.heapBytes).toBe(before.heapBytes);
    wg.dispose([x, w]);
  });

  it('reads stay correct after the WASM memory grows', () => {
    on('wasm', () => {
      const x = wg.arange(1000);
      const heap0 = wg.memory().heapBytes;
      const big = wg.zeros([(40 * 1024 * 1024) / 4]); // 40 MiB: forces the memory to grow
      expect(wg.memory().heapBytes).toBeGreaterThan(heap0);
      wg.tidy(() => {
        expect(x.sum().item()).toBe(499500);
        expect(x.slice([998]).toArray()).toEqual([998, 999]);
      });
      wg.dispose([x, big]);
    });
  });
});
