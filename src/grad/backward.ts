// Reverse-mode propagation over the tape: a topological walk from the outputs
// that runs each node's rule and adds the results into its inputs' gradients.
// With createGraph the rules run with recording on, so the gradients are
// themselves differentiable.
import { isFloat } from '../core/dtype.js';
import { ArgumentError, ShapeError, WasmgradError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { type Edge, Node, record } from '../engine/tape.js';
import { Tensor } from '../engine/tensor.js';
import { add } from '../ops/binary.js';
import { alias, detach } from '../ops/cast.js';
import { onesLike } from '../ops/creation.js';
import { sumToShape } from './unbroadcast.js';

export interface BackwardOptions {
  /** Keep the saved tensors so that backward can run through this graph again. */
  retainGraph?: boolean;
  /** Record the backward pass, so that the gradients can be differentiated again. */
  createGraph?: boolean;
}

/** Where a gradient is wanted: a node's output (non-leaf) or a leaf tensor. */
type Key = Node | Tensor;

function keyOf(t: Tensor): Key {
  return (t.gradFn as Node | null) ?? t.leafOf ?? t;
}

interface Plan {
  /** Nodes to run, outputs first. */
  order: Node[];
  /** Whether a node leads to a wanted gradient. */
  leads: Map<Node, boolean>;
}

/** Nodes reachable from the roots that lead to a wanted key (all, when wanted is null), in topological order. */
function plan(roots: Node[], wanted: Set<Key> | null): Plan {
  const leads = new Map<Node, boolean>();
  const visit = (n: Node): boolean => {
    const known = leads.get(n);
    if (known !== undefined) return known;
    leads.set(n, false); // a graph has no cycles; this only guards re-entry
    let any = wanted === null || wanted.has(n);
    for (const e of n.edges) {
      if (!e) continue;
      if (e instanceof Node) any = visit(e) || any;
      else if (wanted === null || wanted.has(e)) any = true;
    }
    leads.set(n, any);
    return any;
  };
  // Iterative DFS post-order, so deep graphs (long RNN unrolls) do not overflow the stack.
  const order: Node[] = [];
  const state = new Map<Node, number>();
  const stack: Node[] = [];
  for (const r of roots) {
    if (state.has(r)) continue;
    stack.push(r);
    while (stack.length) {
      const n = stack[stack.length - 1];
      const s = state.get(n) ?? 0;
      if (s === 0) {
        state.set(n, 1);
        for (const e of n.edges) if (e instanceof Node && !state.has(e)) stack.push(e);
      } else {
        stack.pop();
        if (s === 1) {
          state.set(n, 2);
          order.push(n);
        }
      }
    }
  }
  for (const n of order) visit(n);
  // order is post-order (inputs first); reverse gives outputs first.
  return { order: order.reverse().filter((n) => leads.get(n)), leads };
}

export interface PropagateResult {
  /** Gradients for the wanted keys (functional mode). */
  captured: Map<Key, Tensor>;
}

/**
 * Propagates `grads` from `roots`. In accumulate mode (wanted null) leaf
 * gradients are added into `.grad`; otherwise gradients for the wanted tensors
 * are returned.
 */
export function propagate(roots: Tensor[], rootGrads: Tensor[], wanted: Tensor[] | null, opts: BackwardOptions): Map<Key, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retain = opts.retainGraph ?? createGraph;
  const wantedKeys = wanted ? new Set<Key>(wanted.map(keyOf)) : null;
  const captured = new Map<Key, Tensor>();
  const pending = new Map<Node, Tensor>();

  const accumulate = (key: Key, g: Tensor) => {
    if (key instanceof Node) {
      const prev = pending.get(key);
      pending.set(key, prev ? sumAndFree(prev, g) : g);
      return;
    }
    if (wantedKeys) {
      if (!wantedKeys.has(key)) {
        g.dispose();
        return;
      }
      const prev = captured.get(key);
      captured.set(key, prev ? sumAndFree(prev, g) : g);
      return;
    }
    accumulateLeaf(key, g, createGraph);
  };

  const prevMode = ENGINE.gradEnabled;
  ENGINE.gradEnabled = createGraph;
  try {
    const rootNodes: Node[] = [];
    roots.forEach((r, i) => {
      const k = keyOf(r);
      if (k instanceof Node) rootNodes.push(k);
      // The caller keeps its cotangents: the walk consumes handles of its own.
      accumulate(k, share(rootGrads[i]));
    });
    const { order, leads } = plan(rootNodes, wantedKeys);
    for (const node of order) {
      const g = pending.get(node);
      pending.delete(node);
      if (!g) continue;
      runNode(node, g, wantedKeys, leads, accumulate);
      if (!retain) node.freeSaved();
      // A wanted non-leaf keeps its gradient (it is complete: every consumer ran before).
      if (wantedKeys?.has(node)) captured.set(node, g);
      else g.dispose();
    }
  } finally {
    ENGINE.gradEnabled = prevMode;
    for (const g of pending.values()) g.dispose();
  }
  return captured;
}

function sumAndFree(a: Tensor, b: Tensor): Tensor {
  const s = add(a, b);
  a.dispose();
  b.dispose();
  return s;
}

function accumulateLeaf(leaf: Tensor, g: Tensor, createGraph: boolean): void {
  if (leaf.disposed) {
    g.dispose();
    return;
  }
  let v = g;
  if (!createGraph && g.gradFn) {
    v = detach(g);
    g.dispose();
  }
  const prev = leaf.grad;
  leaf.grad = prev ? add(prev, v) : v;
  if (prev) {
    prev.dispose();
    v.dispose();
  }
  // The gradient belongs to the leaf from now on, not to the scope it was made in.
  ENGINE.untrack(leaf.grad);
}

function runNode(node: Node, g: Tensor, wanted: Set<Key> | null, leads: Map<Node, boolean>, accumulate: (k: Key, g: Tensor) => void): void {
  if (node.savedFreed) {
    throw new WasmgradError(
      `backward: the graph through ${node.op} was already freed by an earlier backward; pass { retainGraph: true } to the first backward to run through it again`,
    );
  }
  node.checkVersions();
  // Inputs that lead nowhere wanted are not computed.
  const needs = node.needs.map((n, i) => n && reaches(node.edges[i], wanted, leads));
  if (!needs.some(Boolean)) return;
  const grads = ENGINE.tidy(() => {
    const out = node.spec.rule({
      g,
      inputs: node.savedInputs,
      output: node.savedOutput,
      inputShapes: node.inputShapes,
      inputDtypes: node.inputDtypes,
      attrs: node.attrs,
      needs,
    });
    const seen = new Set<Tensor>([g]);
    return needs.map((n, i) => {
      let gi = out[i];
      if (!n || !gi) return null;
      // A rule may pass g through (or return one tensor twice); each input gets its
      // own handle, since every gradient is disposed once it has been consumed.
      if (seen.has(gi)) gi = share(gi);
      seen.add(gi);
      return sumToShape(gi, node.inputShapes[i], node.inputDtypes[i]);
    });
  });
  grads.forEach((gi, i) => {
    if (!gi) return;
    accumulate(node.edges[i] as NonNullable<Edge>, gi);
  });
}

/** A new handle on t's data that stays in t's graph when recording. */
function share(t: Tensor): Tensor {
  const v = alias(t);
  if (ENGINE.gradEnabled && t.requiresGrad) record('clone', [t], v);
  return v;
}

function reaches(e: Edge, wanted: Set<Key> | null, leads: Map<Node, boolean>): boolean {
  if (!e) return false;
  if (wanted === null) return true;
  if (!(e instanceof Node)) return wanted.has(e);
  return leads.get(e) === true;
}

/** PyTorch's loss.backward(): fills `.grad` of the leaves that require it. */
export function backward(t: Tensor, gradient?: Tensor | BackwardOptions | null, options: BackwardOptions = {}): void {
  t.assertAlive('backward');
  // backward({ retainGraph: true }) reads as well as backward(null, { retainGraph: true }).
  let opts = options;
  if (gradient && !(gradient instanceof Tensor)) {
    opts = gradient;
    gradient = null;
  }
  if (!t.requiresGrad) {
    throw new WasmgradError('backward: the tensor does not require a gradient and has no gradFn (did the inputs have requiresGrad, and was grad mode on?)');
  }
  if (gradient) {
    gradient.assertAlive('backward');
    if (gradient.ndim !== t.ndim || gradient.shape.some((d, i) => d !== t.shape[i])) {
      throw new ShapeError(`backward: gradient of shape ${fmt(gradient.shape)} does not match the tensor's shape ${fmt(t.shape)}`);
    }
  } else {
    if (t.size !== 1) throw new ShapeError(`backward: a gradient is implicit only for one-element outputs; got shape ${fmt(t.shape)}: pass a gradient`);
    if (!isFloat(t.dtype)) throw new ArgumentError('backward: only floating-point outputs have gradients');
  }
  ENGINE.tidy(() => {
    propagate([t], [gradient ?? onesLike(t)], null, opts);
  });
}
