// npm run bench [-- family ...]: kernel microbenchmarks against tfjs-wasm.
// Families: startup peak gemm conv2d elementwise reductions softmax memory variants
// threads autodiff models webgpu (default: all). The comparisons with tfjs run
// wasmgrad's plain SIMD build on one thread (tfjs-wasm has no threads in Node);
// `variants` and `threads` measure what the relaxed build and a second thread add.
import { autodiff } from './autodiff.mjs';
import { conv2d, elementwise, gemm, reductions, softmax } from './kernels.mjs';
import * as lib from './lib.mjs';
import { memory, peak, startup, threads, variants } from './machine.mjs';
import { models } from './models.mjs';
import { webgpu } from './webgpu.mjs';

const all = ['startup', 'peak', 'gemm', 'conv2d', 'elementwise', 'reductions', 'softmax', 'memory', 'variants', 'threads', 'autodiff', 'models', 'webgpu'];
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = args.filter((a) => !all.includes(a));
if (unknown.length) {
  console.error(`unknown benchmark family: ${unknown.join(', ')} (known: ${all.join(', ')})`);
  process.exit(2);
}
const { wg, info } = await lib.wasmgrad({ variant: 'simd', threads: 1 });
const tf = await lib.tfjs();
lib.header(info);
const families = {
  startup,
  peak,
  gemm,
  conv2d,
  elementwise,
  reductions,
  softmax,
  memory,
  variants,
  threads,
  autodiff,
  models,
  webgpu,
};
for (const fam of args.length ? args : all) await families[fam](wg, tf);
