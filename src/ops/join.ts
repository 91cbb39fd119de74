// Joining and cutting: concat, stack, split, chunk, pad, sliceScatter.
import { promoteTypes } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { fmt, normalizeAxis } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { runKernel } from '../engine/registry.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { cast } from './cast.js';
import { checkTensor, runOp } from './util.js';
import { narrow, normalizeSlice, type SliceRange, sliceShape, sliceView, unsqueeze } from './views.js';

/** Copies `src` into the region `r` of `dst` (a kernel call on views; no recording). */
function copyInto(dst: Tensor, r: SliceRange, src: Tensor): void {
  const v = sliceView(dst, r);
  try {
    runKernel('copy', [src], [v]);
  } finally {
    v.dispose();
  }
}

function rangeAlong(shape: readonly number[], axis: number, start: number, end: number): SliceRange {
  return {
    start: shape.map((_, i) => (i === axis ? start : 0)),
    end: shape.map((d, i) => (i === axis ? end : d)),
    step: shape.map(() => 1),
  };
}

/** Joins tensors along an existing axis. */
export function concat(tensors: Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('concat: expected a non-empty array of tensors');
  tensors.forEach((t, i) => checkTensor('concat', t, `tensors[${i}]`));
  const first = tensors[0];
  if (first.ndim === 0) throw new ShapeError('concat: zero-dimensional tensors cannot be concatenated (use stack)');
  const a = normalizeAxis('concat', axis, first.ndim, first.shape);
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(`concat: shapes ${tensors.map((x) => fmt(x.shape)).join(', ')} differ outside axis ${a}`);
    }
  }
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const sizes = tensors.map((t) => t.shape[a]);
  const shape = first.shape.map((d, i) => (i === a ? sizes.reduce((p, s) => p + s, 0) : d));
  const [out] = runOp('fill', [], [[shape, dtype]], { value: 0 }, tensors);
  try {
    let at = 0;
    for (const t of tensors) {
      const src = t.dtype === dtype ? t : cast(t, dtype);
      copyInto(out, rangeAlong(shape, a, at, at + t.shape[a]), src);
      if (src !== t) src.dispose();
      at += t.shape[a];
    }
  } catch (e) {
    out.dispose();
    throw e;
  }
  record('concat', tensors, out, { axis: a, sizes });
  return out;
}

/** Joins tensors of one shape along a new axis. */
export function stack(tensors: Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('stack: expected a non-empty array of tensors');
  tensors.forEach((t, i) => checkTensor('stack', t, `tensors[${i}]`));
  const s0 = tensors[0].shape;
  if (tensors.some((t) => t.shape.length !== s0.length || t.shape.some((d, i) => d !== s0[i]))) {
    throw new ShapeError(`stack: all tensors must have the same shape, got ${tensors.map((x) => fmt(x.shape)).join(', ')}`);
  }
  const a = normalizeAxis('stack', axis, s0.length + 1, s0);
  return ENGINE.tidy(() =>
    concat(
      tensors.map((t) => unsqueeze(t, a)),
      a,
    ),
  );
}

/**
 * Splits along `axis` into pieces of `sizeOrSections` (an int: chunks of that
 * size, the last may be smaller; an array: the size of each piece), as torch.split.
 * The pieces are views.
 */
export function split(x: Tensor, sizeOrSections: number | number[], axis = 0): Tensor[] {
  checkTensor('split', x);
  const a = normalizeAxis('split', axis, x.ndim, x.shape);
  const n = x.shape[a];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) throw new ArgumentError(`split: size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
    if (n === 0) sizes = [0];
  } else {
    sizes = sizeOrSections;
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((p, s) => p + s, 0) !== n) {
      throw new ShapeError(`split: sections ${fmt(sizes)} do not add up to ${n}, the size of axis ${a} of shape ${fmt(x.shape)}`);
    }
  }
  let at = 0;
  return sizes.map((s) => {
    const piece = narrow(x, a, at, s);
    at += s;
    return piece;
  });
}

/** Splits into `chunks` pieces of nearly equal size along `axis`, as torch.chunk. */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  checkTensor('chunk', x);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ArgumentError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const a = normalizeAxis('chunk', axis, x.ndim, x.shape);
  return split(x, Math.max(1, Math.ceil(x.shape[a] / chunks)), a);
}

/**
 * Pads with a constant. `padding` lists (before, after) pairs starting from the
 * last axis, as torch.nn.functional.pad: [left, right, top, bottom, ...].
 */
export function pad(x: Tensor, padding: number[], value = 0): Tensor {
  checkTensor('pad', x);
  if (!Array.isArray(padding) || padding.length % 2 !== 0 || padding.length / 2 > x.ndim) {
    throw new ArgumentError(
      `pad: padding must hold (before, after) pairs for at most ${x.ndim} axes, got ${Array.isArray(padding) ? fmt(padding) : String(padding)}`,
    );
  }
  if (padding.some((p) => !Number.isInteger(p) || p < 0)) throw new ArgumentError(`pad: padding must be non-negative integers, got ${fmt(padding)}`);
  const before = x.shape.map(() => 0);
  const after = x.shape.map(() => 0);
  for (let k = 0; k < padding.length / 2; k++) {
    const axis = x.ndim - 1 - k;
    before[axis] = padding[2 * k];
    after[axis] = padding[2 * k + 1];
  }
  const shape = x.shape.map((d, i) => d + before[i] + after[i]);
  const range: SliceRange = { start: before, end: x.shape.map((d, i) => before[i] + d), step: x.shape.map(() => 1) };
  const [out] = runOp('fill', [], [[shape, x.dtype]], { value }, [x]);
  try {
    copyInto(out, range, x);
  } catch (e) {
    out.dispose();
    throw e;
  }
  record('pad', [x], out, { range });
  return out;
}

/** x with the region x[begin:end:step] replaced by `src` (torch.slice_scatter, over several axes). */
export function sliceScatter(x: Tensor, src: Tensor, begin: readonly number[], end?: readonly (number | undefined)[], step?: readonly number[]): Tensor {
  checkTensor('sliceScatter', x);
  checkTensor('sliceScatter', src, 'src');
  const range = normalizeSlice('sliceScatter', x.shape, begin, end, step);
  return sliceScatterRange(x, src, range);
}

/** @internal sliceScatter with a normalised range. */
export function sliceScatterRange(x: Tensor, src: Tensor, range: SliceRange): Tensor {
  const shape = sliceShape(range);
  if (src.ndim !== shape.length || src.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`sliceScatter: src of shape ${fmt(src.shape)} does not fit the region of shape ${fmt(shape)} in ${fmt(x.shape)}`);
  }
  const dtype = promoteTypes(x.dtype, src.dtype);
  const [out] = runOp('copy', [x], [[x.shape, dtype]]);
  try {
    copyInto(out, range, src);
  } catch (e) {
    out.dispose();
    throw e;
  }
  record('sliceScatter', [x, src], out, { range });
  return out;
}
