// The shared op suite, reductions and the softmax family (cases/reduce.ts).
import { beforeAll, describe, it } from 'vitest';
import { compareOn } from '../helpers/cases.js';
import { FAST_BACKENDS, setupBackends } from '../helpers/index.js';
import { REDUCE_CASES } from './cases/reduce.js';

beforeAll(setupBackends);

for (const backend of FAST_BACKENDS) {
  describe(`reductions on ${backend}`, () => {
    for (const g of REDUCE_CASES) it(g.name, () => g.run(compareOn(backend)));
  });
}
