// The define-by-run tape. Every differentiable op calls `record` after it ran;
// when grad mode is on and an input requires a gradient, a Node is attached to
// the output. Gradient rules are registered by op name (src/grad/rules/) and
// written with public ops, so a backward pass recorded with `createGraph` is
// itself a graph that can be differentiated again.
//
// Lifetimes: a Node counts its references (the output tensor, saved views whose
// gradFn it is, and downstream nodes). When the count drops to zero it frees its
// saved tensors and releases its parents, so disposing the tensors of a step
// (as `tidy` does) frees the whole graph; the FinalizationRegistry covers the rest.
import { type DType, isFloat } from '../core/dtype.js';
import { WasmgradError } from '../core/errors.js';
import { ENGINE } from './engine.js';
import type { GradNode } from './node.js';
import type { Attrs } from './registry.js';
import type { Tensor } from './tensor.js';

export interface GradContext {
  /** The cotangent of the op's output. */
  g: Tensor;
  /** Saved views of the inputs (null where the rule did not ask to save them). */
  inputs: (Tensor | null)[];
  /** A saved view of the output (null unless the rule asked for it); differentiable. */
  output: Tensor | null;
  inputShapes: (readonly number[])[];
  inputDtypes: DType[];
  attrs: Attrs;
  /** Which inputs need a gradient; the rule may return null for the others. */
  needs: boolean[];
}

/**
 * Returns one gradient per input (null or undefined where none is needed). A
 * gradient may have the output's broadcast shape: the engine sums it down to
 * the input's shape (un-broadcasting happens only there).
 */
export type GradRule = (ctx: GradContext) => (Tensor | null | undefined)[];

export interface GradSpec {
  rule: GradRule;
  /** Inputs to save for the rule: all (default), none, or the listed indices. */
  saveInputs?: boolean | number[];
  /** Whether the rule reads the forward output. */
  saveOutput?: boolean;
}

const rules = new Map<string, GradSpec>();

export function defineGrad(op: string, spec: GradSpec | GradRule): void {
  rules.set(op, typeof spec === 'function' ? { rule: spec } : spec);
}

export function hasGradRule(op: string): boolean {
  return rules.has(op);
}

export function gradRuleNames(): string[] {
  return [...rules.keys()];
}

/** Where an input's gradient goes: the node that made it, or the leaf tensor itself. */
export type Edge = Node | Tensor | null;

export class Node implements GradNode {
  /** References from tensors and downstream nodes. */
  refs = 0;
  /** Set once backward used and freed the saved tensors (without retainGraph). */
  savedFreed = false;
  private destroyed = false;

  constructor(
    readonly op: string,
    readonly spec: GradSpec,
    public edges: Edge[],
    public savedInputs: (Tensor | null)[],
    public savedOutput: Tensor | null,
    readonly savedVersions: number[],
    readonly attrs: Attrs,
    readonly needs: boolean[],
    readonly inputShapes: (readonly number[])[],
    readonly inputDtypes: DType[],
    readonly outputShape: readonly number[],
    readonly outputDtype: DType,
  ) {}

  release(): void {
    if (--this.refs > 0 || this.destroyed) return;
    this.destroyed = true;
    this.freeSaved();
    const edges = this.edges;
    this.edges = [];
    for (const e of edges) if (e instanceof Node) e.release();
  }

  /** Frees the saved tensors; the graph's structure stays. */
  freeSaved(): void {
    if (this.savedFreed) return;
    this.savedFreed = true;
    for (const t of this.savedInputs) t?.dispose();
    this.savedOutput?.dispose();
    this.savedInputs = [];
    this.savedOutput = null;
  }

  /** Throws when a saved tensor was modified in place after it was saved. */
  checkVersions(): void {
    const saved = [...this.savedInputs, this.savedOutput];
    saved.forEach((t, i) => {
      if (t && t.storage.version !== this.savedVersions[i]) {
        throw new WasmgradError(
          `backward: a tensor of shape [${t.shape.join(',')}] that ${this.op} saved for its gradient was modified in place afterwards; use an out-of-place op instead`,
        );
      }
    });
  }
}

/** A view of `t` that the tape keeps: shares storage, not owned by any scope. */
function saveView(t: Tensor): Tensor {
  const v = ENGINE.makeTensor(t.storage, t.shape, t.strides, t.offset, false);
  v.requiresGrad = t.requiresGrad;
  if (t.gradFn) {
    v.gradFn = t.gradFn;
    (t.gradFn as Node).refs++;
  } else if (t.requiresGrad) {
    v.leafOf = t.leafOf ?? t;
  }
  return v;
}

/** Where a gradient reaching `t` goes. */
export function edgeOf(t: Tensor): Edge {
  return (t.gradFn as Node | null) ?? t.leafOf ?? t;
}

/** Records `op` if grad mode is on and an input needs a gradient. Call after the op ran. */
export function record(op: string, inputs: Tensor[], output: Tensor, attrs: Attrs = {}): void {
  if (!ENGINE.gradEnabled || !isFloat(output.dtype)) return;
  const n = inputs.length;
  let any = false;
  const needs: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = inputs[i];
    needs[i] = t.requiresGrad && isFloat(t.dtype);
    any ||= needs[i];
  }
  if (!any) return;
  const spec = rules.get(op);
  if (!spec) throw new WasmgradError(`${op}: no gradient rule is registered for this op`);
  const save = spec.saveInputs ?? true;
  const edges: Edge[] = new Array(n);
  const savedInputs: (Tensor | null)[] = new Array(n);
  const versions: number[] = new Array(n + 1);
  const shapes: (readonly number[])[] = new Array(n);
  const dtypes: DType[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = inputs[i];
    let e: Edge = null;
    if (needs[i]) {
      e = edgeOf(t);
      if (e instanceof Node) e.refs++;
    }
    edges[i] = e;
    const keep = save === true || (Array.isArray(save) && save.includes(i));
    savedInputs[i] = keep ? saveView(t) : null;
    versions[i] = keep ? t.storage.version : 0;
    shapes[i] = t.shape;
    dtypes[i] = t.dtype;
  }
  const node = new Node(op, spec, edges, savedInputs, null, versions, attrs, needs, shapes, dtypes, output.shape, output.dtype);
  if (spec.saveOutput) {
    // The saved output points back at its own node without counting a reference
    // (that would be a cycle); it still carries the node so higher orders see it.
    const v = ENGINE.makeTensor(output.storage, output.shape, output.strides, output.offset, false);
    v.requiresGrad = true;
    v.gradFn = node;
    v.ownsNode = false;
    node.savedOutput = v;
  }
  versions[n] = output.storage.version;
  output.gradFn = node;
  output.requiresGrad = true;
  node.refs++;
}
