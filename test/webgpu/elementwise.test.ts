// The shared elementwise suite (test/ops/cases/elementwise.ts) on the webgpu
// backend against the js reference, read back with await data().
import { beforeAll, describe, it } from 'vitest';
import { compareAsyncOn, setupWebGpu } from '../helpers/async.js';
import { ELEMENTWISE_CASES } from '../ops/cases/elementwise.js';

beforeAll(setupWebGpu);

describe('elementwise on webgpu', () => {
  for (const g of ELEMENTWISE_CASES) it(g.name, () => g.run(compareAsyncOn('webgpu')));
});
