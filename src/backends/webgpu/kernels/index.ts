// Registers every webgpu kernel (importing this module is enough).
import { registerConv } from './conv.js';
import { registerElementwise } from './elementwise.js';
import { registerIndexing } from './indexing.js';
import { registerMatmul } from './matmul.js';
import { registerPool } from './pool.js';
import { registerReduce } from './reduce.js';
import { registerSoftmax } from './softmax.js';

registerElementwise();
registerReduce();
registerSoftmax();
registerMatmul();
registerConv();
registerPool();
registerIndexing();
