// The shared op suite: matmul, convolution and pooling (cases/linalg.ts).
import { beforeAll, describe, it } from 'vitest';
import { compareOn } from '../helpers/cases.js';
import { FAST_BACKENDS, setupBackends } from '../helpers/index.js';
import { CONV_CASES, MATMUL_CASES, POOL_CASES } from './cases/linalg.js';

beforeAll(setupBackends);

for (const backend of FAST_BACKENDS) {
  describe(`matmul on ${backend}`, () => {
    for (const g of MATMUL_CASES) it(g.name, () => g.run(compareOn(backend)));
  });
  describe(`convolution on ${backend}`, () => {
    for (const g of CONV_CASES) it(g.name, () => g.run(compareOn(backend)));
  });
  describe(`pooling on ${backend}`, () => {
    for (const g of POOL_CASES) it(g.name, () => g.run(compareOn(backend)));
  });
}
