// Property tests: broadcasting, reshape/permute round trips and reduction
// invariants, on random shapes and data (fast-check), on the wasm backend.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { broadcastShapes } from '../../src/core/shape.js';
import { expectClose, setupBackends, wg } from '../helpers/index.js';

beforeAll(setupBackends);

const dim = fc.integer({ min: 1, max: 5 });
const shapeArb = fc.array(dim, { minLength: 0, maxLength: 4 });
const values = (n: number) => fc.array(fc.float({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });
const tensorArb = shapeArb.chain((shape) => values(shape.reduce((a, b) => a * b, 1)).map((data) => ({ shape, data })));

/** Two shapes that broadcast: each dim of the second is the first's, 1, or absent. */
const broadcastPair = shapeArb.chain((a) =>
  fc
    .tuple(fc.constant(a), fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }), fc.integer({ min: 0, max: a.length }))
    .map(([s, ones, drop]) => {
      const b = s.map((d, i) => (ones[i] ? 1 : d)).slice(drop);
      return [s, b] as [number[], number[]];
    }),
);

const run = <T>(fn: () => T) => wg.tidy(fn);

describe('broadcasting properties', () => {
  it('broadcastShapes is commutative and gives the largest dims', () => {
    fc.assert(
      fc.property(broadcastPair, fc.boolean(), ([a, b], swap) => {
        const [x, y] = swap ? [b, a] : [a, b];
        const r = broadcastShapes('p', x, y);
        expect(r).toEqual(broadcastShapes('p', y, x));
        expect(r).toEqual(a); // b broadcasts into a
      }),
    );
  });

  it('a broadcast op equals the op on explicitly broadcast, materialised operands', () => {
    fc.assert(
      fc.property(broadcastPair, fc.integer({ min: 0, max: 1000 }), ([sa, sb], seed) =>
        run(() => {
          wg.seed(seed);
          const a = wg.randn(sa);
          const b = wg.randn(sb);
          const direct = a.mul(b).add(b);
          const bm = b.broadcastTo(sa).contiguous();
          const explicit = a.mul(bm).add(bm);
          expect(direct.shape).toEqual(sa);
          expectClose(direct.dataSync(), explicit.dataSync(), { rtol: 1e-6, atol: 1e-6 });
        }),
      ),
    );
  });
});

describe('movement round trips', () => {
  it('reshape to any factorisation and back is the identity', () => {
    fc.assert(
      fc.property(tensorArb, fc.integer({ min: 0, max: 3 }), ({ shape, data }, k) =>
        run(() => {
          const x = wg.tensor(data, { shape });
          const flat = x.reshape([-1]);
          const other = shape.length > 1 ? [shape.slice(0, k).reduce((a, b) => a * b, 1), -1] : [-1];
          expect(Array.from(flat.reshape(other).reshape(shape).dataSync())).toEqual(Array.from(x.dataSync()));
        }),
      ),
    );
  });

  it('permute then the inverse permutation is the identity; a permuted copy matches index by index', () => {
    fc.assert(
      fc.property(
        tensorArb.chain((t) => fc.tuple(fc.constant(t), fc.shuffledSubarray([...t.shape.keys()], { minLength: t.shape.length, maxLength: t.shape.length }))),
        ([{ shape, data }, perm]) =>
          run(() => {
            const x = wg.tensor(data, { shape });
            const inv: number[] = [];
            perm.forEach((p, i) => (inv[p] = i));
            const p = x.permute(perm).contiguous();
            expect(p.shape).toEqual(perm.map((a) => shape[a]));
            expect(Array.from(p.permute(inv).contiguous().dataSync())).toEqual(Array.from(x.dataSync()));
          }),
      ),
    );
  });
});

describe('reduction invariants', () => {
  const nonEmpty = tensorArb.filter((t) => t.shape.length >= 2);

  it('summing two axes at once equals summing them one after the other, and the total is the sum of partial sums', () => {
    fc.assert(
      fc.property(nonEmpty, ({ shape, data }) =>
        run(() => {
          const x = wg.tensor(data, { shape });
          const both = x.sum([0, 1]);
          const seq = x.sum(1).sum(0);
          expectClose(both.dataSync(), seq.dataSync(), { rtol: 1e-5, atol: 1e-4 });
          expectClose(x.sum().dataSync(), x.sum(0).sum().dataSync(), { rtol: 1e-5, atol: 1e-4 });
          const n = shape[0] * shape[1];
          expectClose(x.mean([0, 1]).mul(n).dataSync(), both.dataSync(), { rtol: 1e-5, atol: 1e-4 });
        }),
      ),
    );
  });

  it('max bounds every element and argmax points at it; min likewise', () => {
    fc.assert(
      fc.property(nonEmpty, ({ shape, data }) =>
        run(() => {
          const x = wg.tensor(data, { shape });
          const m = x.max(-1, true);
          expect(x.le(m).sum().item()).toBe(x.size);
          const picked = x.gather(-1 + x.ndim, x.argmax(-1, true));
          expect(Array.from(picked.dataSync())).toEqual(Array.from(m.dataSync()));
          const lo = x.min(-1, true);
          expect(x.ge(lo).sum().item()).toBe(x.size);
          expect(Array.from(x.gather(x.ndim - 1, x.argmin(-1, true)).dataSync())).toEqual(Array.from(lo.dataSync()));
        }),
      ),
    );
  });

  it('softmax rows sum to one and logsumexp bounds the max', () => {
    fc.assert(
      fc.property(nonEmpty, ({ shape, data }) =>
        run(() => {
          const x = wg.tensor(data, { shape });
          expectClose(x.softmax(-1).sum(-1).dataSync(), wg.ones(shape.slice(0, -1)).dataSync(), { rtol: 1e-5, atol: 1e-5 });
          const lse = x.logsumexp(-1);
          expect(lse.ge(x.max(-1)).sum().item()).toBe(lse.size);
        }),
      ),
    );
  });
});
