// The shared op suite, elementwise part: every unary and binary op, comparisons
// and where, on each fast backend against the js reference, over sizes at the
// SIMD edges, with broadcasting and non-contiguous inputs (cases/elementwise.ts).
import { beforeAll, describe, it } from 'vitest';
import { compareOn } from '../helpers/cases.js';
import { FAST_BACKENDS, setupBackends } from '../helpers/index.js';
import { ELEMENTWISE_CASES } from './cases/elementwise.js';

beforeAll(setupBackends);

for (const backend of FAST_BACKENDS) {
  describe(`elementwise on ${backend}`, () => {
    for (const g of ELEMENTWISE_CASES) it(g.name, () => g.run(compareOn(backend)));
  });
}
