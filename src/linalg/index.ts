// wg.linalg: torch.linalg for wasmgrad. Decompositions run as float64
// TypeScript kernels on the CPU backends (js, wasm) and write results in the
// input's dtype; everything is batched over leading dims; gradients are
// written with public ops (src/grad/rules/linalg-decomp.ts), so that they can
// be differentiated again.
export { type EighOptions, eigh, eigvalsh, type QrMode, type QrOptions, qr, type SvdOptions, svd, svdvals } from './decomp.js';
export { matrixRank, pinv, type ToleranceOptions } from './derived.js';
export { type MatrixOrd, matrixNorm, norm, type VectorOrd, vectorNorm } from './norms.js';
export {
  type CholeskyOptions,
  cholesky,
  det,
  inv,
  type SolveOptions,
  type SolveTriangularOptions,
  slogdet,
  solve,
  solveTriangular,
} from './solve.js';
export { LinAlgError } from './util.js';
