// The shared movement, indexing and loss suite (test/ops/cases/shape.ts) on webgpu.
import { beforeAll, describe, it } from 'vitest';
import { compareAsyncOn, setupWebGpu } from '../helpers/async.js';
import { LOSS_CASES, MOVEMENT_CASES } from '../ops/cases/shape.js';

beforeAll(setupWebGpu);

describe('movement and joining on webgpu', () => {
  for (const g of MOVEMENT_CASES) it(g.name, () => g.run(compareAsyncOn('webgpu')));
});
describe('losses and dropout on webgpu', () => {
  for (const g of LOSS_CASES) it(g.name, () => g.run(compareAsyncOn('webgpu')));
});
