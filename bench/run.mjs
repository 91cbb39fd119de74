// npm run bench [-- family ...]: kernel microbenchmarks against tfjs-wasm.
// Families: gemm conv2d elementwise reductions softmax autodiff models webgpu (default: all).
import { autodiff } from './autodiff.mjs';
import { conv2d, elementwise, gemm, reductions, softmax } from './kernels.mjs';
import { header, tfjs, wasmgrad } from './lib.mjs';
import { models } from './models.mjs';
import { webgpu } from './webgpu.mjs';

const all = ['gemm', 'conv2d', 'elementwise', 'reductions', 'softmax', 'autodiff', 'models', 'webgpu'];
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = args.filter((a) => !all.includes(a));
if (unknown.length) {
  console.error(`unknown benchmark family: ${unknown.join(', ')} (known: ${all.join(', ')})`);
  process.exit(2);
}
const { wg, info } = await wasmgrad();
const tf = await tfjs();
header(info);
const families = { gemm, conv2d, elementwise, reductions, softmax, autodiff, models, webgpu };
for (const fam of args.length ? args : all) await families[fam](wg, tf);
