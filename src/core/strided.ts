// Walking strided views in row-major order. Shared by the reference kernels
// and by the code that reads a view out of a CPU backend.
import type { Shape } from './shape.js';

/**
 * Calls `fn(i, p0, p1, ...)` for every element i (row-major) of `shape`, with
 * pk the flat element index into operand k given its base offset and strides.
 * The innermost dim runs as a plain loop.
 */
export function forEachStrided(shape: Shape, bases: readonly number[], strides: readonly (readonly number[])[], fn: (i: number, p: number[]) => void): void {
  const rank = shape.length;
  const k = bases.length;
  const p = bases.slice();
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  if (rank === 0) {
    fn(0, p);
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const n = shape[last];
  for (let i = 0; i < total; ) {
    const start = p.slice();
    for (let j = 0; j < n; j++, i++) {
      for (let q = 0; q < k; q++) p[q] = start[q] + j * strides[q][last];
      fn(i, p);
    }
    for (let q = 0; q < k; q++) p[q] = start[q];
    // Advance the outer index like an odometer.
    for (let d = last - 1; d >= 0; d--) {
      idx[d]++;
      for (let q = 0; q < k; q++) p[q] += strides[q][d];
      if (idx[d] < shape[d]) break;
      for (let q = 0; q < k; q++) p[q] -= strides[q][d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** Copies a strided view of `src` into the contiguous array `dst`. */
export function gatherStrided<T extends { [i: number]: number }>(src: T, offset: number, shape: Shape, strides: readonly number[], dst: T): void {
  forEachStrided(shape, [offset], [strides], (i, p) => {
    dst[i] = src[p[0]];
  });
}
