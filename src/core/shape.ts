// Shapes, strides and broadcasting. Pure functions over number arrays.
import { ArgumentError, ShapeError } from './errors.js';

export type Shape = readonly number[];

export function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Frozen copies of a shape and its contiguous strides, for a new tensor. The last few
 * layouts are kept and handed out again (a training loop makes the same shapes over
 * and over), because Object.freeze costs several times the copy.
 */
export function frozenContiguous(shape: Shape): [Shape, readonly number[]] {
  for (let i = 0; i < LAYOUTS.length; i++) {
    const e = LAYOUTS[i];
    if (shapesEqual(e[0], shape)) return e;
  }
  const e: [Shape, readonly number[]] = [Object.freeze(shape.slice()), Object.freeze(contiguousStrides(shape))];
  if (LAYOUTS.length < 16) LAYOUTS.push(e);
  else LAYOUTS[nextLayout++ & 15] = e;
  return e;
}
const LAYOUTS: [Shape, readonly number[]][] = [];
let nextLayout = 0;

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when a view with these strides walks its elements in row-major order without gaps. */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue; // the stride of a unit dim never matters
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function checkShape(op: string, shape: readonly unknown[]): number[] {
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ArgumentError(`${op}: invalid shape [${shape.join(',')}]: sizes must be non-negative integers`);
    }
  }
  return shape as number[];
}

/** NumPy/PyTorch broadcasting of two shapes; throws a ShapeError naming `op`. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read a tensor of shape `shape` (with `strides`) as if it had
 * been broadcast to `target`: broadcast dims get stride 0.
 */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[i + off] = shape[i] === 1 && target[i + off] !== 1 ? 0 : strides[i];
  }
  return out;
}

/** Normalises one axis (negative counts from the end); throws naming `op`. */
export function normalizeAxis(op: string, axis: number, rank: number, shape?: Shape): number {
  if (!Number.isInteger(axis) || axis < -Math.max(rank, 1) || axis >= Math.max(rank, 1)) {
    const s = shape ? ` (shape ${fmt(shape)})` : '';
    throw new ArgumentError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}${s}`);
  }
  return axis < 0 ? axis + Math.max(rank, 1) : axis;
}

/** Normalises a set of axes (undefined: all), sorted, without repeats. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined | null, rank: number, shape?: Shape): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => (rank === 0 && (a === 0 || a === -1) ? 0 : normalizeAxis(op, a, rank, shape)));
  if (rank === 0) return [];
  const set = new Set(out);
  if (set.size !== out.length) throw new ArgumentError(`${op}: axis ${fmt(list)} contains a repeated axis`);
  return [...set].sort((x, y) => x - y);
}

/**
 * Merges adjacent dims that every operand walks alike, so that a strided loop
 * has as few and as long dims as possible. `strides[k]` are the strides of
 * operand k (output first), all over the same `shape`. Unit dims are dropped.
 * Returns at least one dim.
 */
export function mergeDims(shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[i] * d)) {
      outShape[last] *= d;
      strides.forEach((s, k) => (outStrides[k][last] = s[i]));
    } else {
      outShape.push(d);
      strides.forEach((s, k) => outStrides[k].push(s[i]));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(1));
  }
  return { shape: outShape, strides: outStrides };
}
