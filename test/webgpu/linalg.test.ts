// The shared matmul, convolution and pooling suite (test/ops/cases/linalg.ts) on webgpu.
import { beforeAll, describe, it } from 'vitest';
import { compareAsyncOn, setupWebGpu } from '../helpers/async.js';
import { CONV_CASES, MATMUL_CASES, POOL_CASES } from '../ops/cases/linalg.js';

beforeAll(setupWebGpu);

describe('matmul on webgpu', () => {
  for (const g of MATMUL_CASES) it(g.name, () => g.run(compareAsyncOn('webgpu')));
});
describe('convolution on webgpu', () => {
  for (const g of CONV_CASES) it(g.name, () => g.run(compareAsyncOn('webgpu')));
});
describe('pooling on webgpu', () => {
  for (const g of POOL_CASES) it(g.name, () => g.run(compareAsyncOn('webgpu')));
});
