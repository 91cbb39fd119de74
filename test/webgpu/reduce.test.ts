// The shared reduction and softmax suite (test/ops/cases/reduce.ts) on webgpu.
import { beforeAll, describe, it } from 'vitest';
import { compareAsyncOn, setupWebGpu } from '../helpers/async.js';
import { REDUCE_CASES } from '../ops/cases/reduce.js';

beforeAll(setupWebGpu);

describe('reductions on webgpu', () => {
  for (const g of REDUCE_CASES) it(g.name, () => g.run(compareAsyncOn('webgpu')));
});
