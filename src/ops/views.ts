// Movement ops that make views: reshape, permute, expand, slice and friends.
// No data moves (reshape of a non-contiguous tensor copies first).
import { ArgumentError, ShapeError } from '../core/errors.js';
import { checkShape, contiguousStrides, fmt, normalizeAxes, normalizeAxis, type Shape, sizeOf } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { record } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { contiguous } from './cast.js';
import { checkTensor } from './util.js';

function view(x: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  return ENGINE.makeTensor(x.storage, shape, strides, offset);
}

/** Resolves one -1 in `shape` against `size`. */
function resolveShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const s = [...shape];
  const neg = s.filter((d) => d === -1).length;
  if (neg > 1) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmt(shape)}`);
  if (neg === 1) {
    const known = s.reduce((a, d) => (d === -1 ? a : a * d), 1);
    const i = s.indexOf(-1);
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`${op}: cannot reshape tensor of shape ${fmt(x.shape)} (${x.size} elements) into ${fmt(shape)}`);
    }
    s[i] = x.size / known;
  }
  checkShape(op, s);
  if (sizeOf(s) !== x.size) {
    throw new ShapeError(`${op}: cannot reshape tensor of shape ${fmt(x.shape)} (${x.size} elements) into ${fmt(shape)}`);
  }
  return s;
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', x);
  if (!Array.isArray(shape)) throw new ArgumentError(`reshape: shape must be an array of integers, got ${String(shape)}`);
  const s = resolveShape('reshape', x, shape);
  if (!x.isContiguous) {
    const c = contiguous(x);
    const y = reshape(c, s);
    c.dispose();
    return y;
  }
  const y = view(x, s, contiguousStrides(s), x.offset);
  record('reshape', [x], y, { shape: s });
  return y;
}

/** Flattens dims startAxis..endAxis (inclusive) into one. */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  checkTensor('flatten', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const a = normalizeAxis('flatten', startAxis, x.ndim, x.shape);
  const b = normalizeAxis('flatten', endAxis, x.ndim, x.shape);
  if (a > b) throw new ArgumentError(`flatten: startAxis ${startAxis} comes after endAxis ${endAxis} for shape ${fmt(x.shape)}`);
  const mid = x.shape.slice(a, b + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, a), mid, ...x.shape.slice(b + 1)]);
}

/** Removes size-1 dims (all of them, or those given). */
export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  checkTensor('squeeze', x);
  const axes = axis === undefined ? x.shape.map((_, i) => i) : normalizeAxes('squeeze', axis, x.ndim, x.shape);
  const keep = x.shape.map((d, i) => !(axes.includes(i) && d === 1));
  return viewOp(
    x,
    x.shape.filter((_, i) => keep[i]),
    x.strides.filter((_, i) => keep[i]),
  );
}

/** Inserts a size-1 dim at `axis` (which may be ndim). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor('unsqueeze', x);
  const a = normalizeAxis('unsqueeze', axis, x.ndim + 1, x.shape);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(a, 0, 1);
  strides.splice(a, 0, a < x.ndim ? x.strides[a] * x.shape[a] : 1);
  return viewOp(x, shape, strides);
}

/** A view with the same data and a shape that differs only in unit dims. */
function viewOp(x: Tensor, shape: number[], strides: number[]): Tensor {
  const y = view(x, shape, strides, x.offset);
  record('reshape', [x], y, { shape });
  return y;
}

export function permute(x: Tensor, axes: readonly number[]): Tensor {
  checkTensor('permute', x);
  if (!Array.isArray(axes) || axes.length !== x.ndim) {
    throw new ArgumentError(`permute: expected ${x.ndim} axes for shape ${fmt(x.shape)}, got ${Array.isArray(axes) ? fmt(axes) : String(axes)}`);
  }
  const p = axes.map((a) => normalizeAxis('permute', a, x.ndim, x.shape));
  if (new Set(p).size !== p.length) throw new ArgumentError(`permute: axes ${fmt(axes)} repeat an axis`);
  const y = view(
    x,
    p.map((a) => x.shape[a]),
    p.map((a) => x.strides[a]),
    x.offset,
  );
  record('permute', [x], y, { axes: p });
  return y;
}

/** Swaps two axes; with none given, transposes a matrix (a 0-D or 1-D tensor is returned as a view). */
export function transpose(x: Tensor, axis0?: number, axis1?: number): Tensor {
  checkTensor('transpose', x);
  if (axis0 === undefined || axis1 === undefined) {
    if (x.ndim > 2) throw new ArgumentError(`transpose: give the two axes to swap for a tensor of rank ${x.ndim} (shape ${fmt(x.shape)})`);
    if (x.ndim < 2)
      return permute(
        x,
        x.shape.map((_, i) => i),
      );
    return permute(x, [1, 0]);
  }
  const a = normalizeAxis('transpose', axis0, x.ndim, x.shape);
  const b = normalizeAxis('transpose', axis1, x.ndim, x.shape);
  const p = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, p);
}

/** A broadcast view of x with `shape` (no copy: broadcast dims get stride 0). -1 keeps a dim. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('broadcastTo', x);
  const off = shape.length - x.ndim;
  if (off < 0) throw new ShapeError(`broadcastTo: cannot broadcast shape ${fmt(x.shape)} to ${fmt(shape)}`);
  const target = shape.map((d, i) => (d === -1 && i >= off ? x.shape[i - off] : d));
  checkShape('broadcastTo', target);
  if (x.shape.some((d, i) => d !== 1 && d !== target[i + off])) {
    throw new ShapeError(`broadcastTo: cannot broadcast shape ${fmt(x.shape)} to ${fmt(shape)}`);
  }
  const strides = target.map((d, i) => (i < off || x.shape[i - off] !== d ? 0 : x.strides[i - off]));
  const y = view(x, target, strides, x.offset);
  record('expand', [x], y);
  return y;
}

export interface SliceRange {
  start: number[];
  end: number[];
  step: number[];
}

/** Python-style normalisation of per-axis [start, end, step) (negatives count from the end, clamped). */
export function normalizeSlice(
  op: string,
  shape: Shape,
  begin: readonly number[],
  end?: readonly (number | undefined)[],
  step?: readonly number[],
): SliceRange {
  for (const [name, v] of [
    ['begin', begin],
    ['end', end],
    ['step', step],
  ] as const) {
    if (v !== undefined && !Array.isArray(v)) {
      throw new ArgumentError(`${op}: ${name} must be an array with one entry per axis, got ${String(v)} (use narrow(axis, start, length) for one axis)`);
    }
  }
  if (begin.length > shape.length) throw new ArgumentError(`${op}: ${begin.length} begin values for a tensor of rank ${shape.length} (shape ${fmt(shape)})`);
  const r: SliceRange = { start: [], end: [], step: [] };
  for (let i = 0; i < shape.length; i++) {
    const n = shape[i];
    const st = step?.[i] ?? 1;
    if (!Number.isInteger(st) || st <= 0) throw new ArgumentError(`${op}: step must be a positive integer, got ${st}`);
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const b = begin[i] ?? 0;
    const e = end?.[i] ?? n;
    if (!Number.isInteger(b) || !Number.isInteger(e)) throw new ArgumentError(`${op}: begin and end must be integers, got ${b} and ${e}`);
    r.start.push(clamp(b));
    r.end.push(Math.max(clamp(e), clamp(b)));
    r.step.push(st);
  }
  return r;
}

export function sliceShape(r: SliceRange): number[] {
  return r.start.map((s, i) => Math.ceil((r.end[i] - s) / r.step[i]));
}

/** The view of `x` selected by a normalised range. @internal */
export function sliceView(x: Tensor, r: SliceRange): Tensor {
  const offset = x.offset + r.start.reduce((a, s, i) => a + s * x.strides[i], 0);
  return view(
    x,
    sliceShape(r),
    x.strides.map((s, i) => s * r.step[i]),
    offset,
  );
}

/**
 * x[begin[0]:end[0]:step[0], begin[1]:end[1]:step[1], ...] as a view. Missing
 * trailing axes are taken whole; negative indices count from the end; out-of-range
 * bounds are clamped, as in Python.
 */
export function slice(x: Tensor, begin: readonly number[], end?: readonly (number | undefined)[], step?: readonly number[]): Tensor {
  checkTensor('slice', x);
  const r = normalizeSlice('slice', x.shape, begin, end, step);
  const y = sliceView(x, r);
  record('slice', [x], y, { range: r });
  return y;
}

/** The part of `x` from `start` of length `length` along `axis` (torch.narrow). */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  checkTensor('narrow', x);
  const a = normalizeAxis('narrow', axis, x.ndim, x.shape);
  const s = start < 0 ? start + x.shape[a] : start;
  if (!Number.isInteger(length) || length < 0 || s < 0 || s + length > x.shape[a]) {
    throw new ArgumentError(`narrow: start ${start} and length ${length} do not fit axis ${a} of size ${x.shape[a]} (shape ${fmt(x.shape)})`);
  }
  const begin = x.shape.map((_, i) => (i === a ? s : 0));
  const end = x.shape.map((d, i) => (i === a ? s + length : d));
  return slice(x, begin, end);
}

/** x indexed by `index` along `axis`, which is removed (torch.select). */
export function select(x: Tensor, axis: number, index: number): Tensor {
  checkTensor('select', x);
  const a = normalizeAxis('select', axis, x.ndim, x.shape);
  const i = index < 0 ? index + x.shape[a] : index;
  if (!Number.isInteger(i) || i < 0 || i >= x.shape[a]) {
    throw new ArgumentError(`select: index ${index} is out of range for axis ${a} of size ${x.shape[a]} (shape ${fmt(x.shape)})`);
  }
  const s = narrow(x, a, i, 1);
  const y = squeeze(s, a);
  s.dispose();
  return y;
}
