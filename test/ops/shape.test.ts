// The shared op suite: movement, joining, indexing and the loss functions (cases/shape.ts).
import { beforeAll, describe, it } from 'vitest';
import { compareOn } from '../helpers/cases.js';
import { FAST_BACKENDS, setupBackends } from '../helpers/index.js';
import { LOSS_CASES, MOVEMENT_CASES } from './cases/shape.js';

beforeAll(setupBackends);

for (const backend of FAST_BACKENDS) {
  describe(`movement and joining on ${backend}`, () => {
    for (const g of MOVEMENT_CASES) it(g.name, () => g.run(compareOn(backend)));
  });
  describe(`losses and dropout on ${backend}`, () => {
    for (const g of LOSS_CASES) it(g.name, () => g.run(compareOn(backend)));
  });
}
