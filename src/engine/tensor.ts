// The Tensor: a typed, shaped view (shape, strides, offset) of a Storage block.
// Views share storage; the block is freed when its last view is disposed.
// Op methods (x.add(y), x.sum(), ...) are attached in ops/methods.ts.
import type { DType, TypedArray } from '../core/dtype.js';
import { DisposedError, ShapeError } from '../core/errors.js';
import { formatTensor } from '../core/format.js';
import { contiguousStrides, fmt, isContiguous, type Shape } from '../core/shape.js';
import type { Storage } from './backend.js';
import { ENGINE } from './engine.js';
import type { GradNode } from './node.js';

export type NestedArray = number | NestedArray[];

let nextId = 0;

export class Tensor {
  readonly id = nextId++;
  readonly shape: readonly number[];
  /** Element strides of this view into its storage. */
  readonly strides: readonly number[];
  /** Element offset of this view into its storage. */
  readonly offset: number;
  readonly dtype: DType;
  /** The number of elements. */
  readonly size: number;
  /** @internal */ storage: Storage;

  /** Whether gradients flow to this tensor (see `requiresGrad_`). */
  requiresGrad = false;
  /** The accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | null = null;
  /** The recorded op that produced this tensor (null for leaves). */
  gradFn: GradNode | null = null;
  /** @internal */ disposed = false;
  /** @internal kept by `wg.keep`: no scope disposes it. */
  kept = false;
  /** @internal false for the tape's saved view of an op's own output, whose gradFn is not counted. */
  ownsNode = true;
  /** @internal for a saved view of a leaf: the leaf that gradients reaching the view belong to. */
  leafOf: Tensor | null = null;
  /** @internal engine-owned (cached scalars): not counted by wg.memory(). */
  internal = false;
  /** @internal registered with the garbage-collector safety net. */
  armed = false;

  /** @internal Use the creation ops (`wg.tensor`, `wg.zeros`, ...). */
  constructor(storage: Storage, shape: Shape, strides: readonly number[], offset: number) {
    this.storage = storage;
    // Shapes and strides are frozen copies; a view of another tensor (the tape's
    // saved views, reshapes that keep the shape) reuses its frozen arrays, since
    // Object.freeze costs several times the copy.
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze(shape.slice());
    this.strides = Object.isFrozen(strides) ? strides : Object.freeze(strides.slice());
    this.offset = offset;
    this.dtype = storage.dtype;
    let n = 1;
    for (let i = 0; i < shape.length; i++) n *= shape[i];
    this.size = n;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** True for tensors not produced by a recorded op. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The backend holding the data. */
  get device(): string {
    return this.storage.backend.name;
  }

  /** @internal */
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /** @internal Throws a DisposedError naming `op` if this tensor was disposed. */
  assertAlive(op: string): this {
    if (this.disposed) throw new DisposedError(`${op}: tensor ${fmt(this.shape)} (id ${this.id}) was disposed`);
    return this;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Frees this view; the data goes when its last view goes. Safe to call twice. */
  dispose(): void {
    ENGINE.disposeTensor(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** A flat, contiguous copy of the data. Works on every backend. */
  async data(): Promise<TypedArray> {
    this.assertAlive('data');
    return ENGINE.read(this);
  }

  /** A flat, contiguous copy of the data, synchronously (CPU backends). */
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    return ENGINE.readSync(this, 'dataSync');
  }

  /** The data as nested arrays (a number for a 0-D tensor). */
  toArray(): NestedArray {
    this.assertAlive('toArray');
    return nest(ENGINE.readSync(this, 'toArray'), this.shape);
  }

  /** The value of a one-element tensor. */
  item(): number {
    this.assertAlive('item');
    if (this.size !== 1) {
      throw new ShapeError(`item: only a one-element tensor converts to a number, got shape ${fmt(this.shape)}`);
    }
    return ENGINE.readSync(this, 'item')[0];
  }

  toString(): string {
    if (this.disposed) return `tensor(<disposed>, shape=${fmt(this.shape)})`;
    if (!this.storage.backend.sync) return `tensor(<on ${this.device}: await data()>, shape=${fmt(this.shape)}, dtype=${this.dtype})`;
    const extra: string[] = [];
    if (this.gradFn) extra.push(`gradFn=<${this.gradFn.op}>`);
    else if (this.requiresGrad) extra.push('requiresGrad=true');
    return formatTensor(this.shape, this.dtype, ENGINE.readSync(this, 'toString'), extra);
  }

  /** @internal strides of a fresh contiguous tensor of this shape. */
  static contiguousStrides(shape: Shape): number[] {
    return contiguousStrides(shape);
  }
}

function nest(data: TypedArray, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return data[0];
  const build = (dim: number, off: number): NestedArray[] => {
    const n = shape[dim];
    let inner = 1;
    for (let i = dim + 1; i < shape.length; i++) inner *= shape[i];
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = dim === shape.length - 1 ? data[off + i] : build(dim + 1, off + i * inner);
    return out;
  };
  return build(0, 0);
}
