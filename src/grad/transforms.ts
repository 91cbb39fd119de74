// JAX-style function transforms over the tape: grad, grads, valueAndGrad,
// vjp, jvp, jacobian, hessian, hvp, plus customGrad, stopGradient, noGrad and
// enableGrad. They compose (grad(grad(f)), jacobian(grad(f)), ...) because the
// gradient of a transform is recorded whenever an enclosing transform, or the
// caller's own graph, needs it.
import { arrayCtor, isFloat } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { fmt } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { defineGrad, record } from '../engine/tape.js';
import { Tensor } from '../engine/tensor.js';
import { mul } from '../ops/binary.js';
import { alias, detach } from '../ops/cast.js';
import { onesLike, zeros, zerosLike } from '../ops/creation.js';
import { stack } from '../ops/join.js';
import { sum } from '../ops/reduce.js';
import { fromTypedArray } from '../ops/util.js';
import { reshape } from '../ops/views.js';
import { propagate } from './backward.js';

/** How many transforms are running; a nested one must record its gradients. */
let depth = 0;

/** Runs fn with recording off (and returns its result). */
export function noGrad<T>(fn: () => T): T {
  const prev = ENGINE.gradEnabled;
  ENGINE.gradEnabled = false;
  try {
    return fn();
  } finally {
    ENGINE.gradEnabled = prev;
  }
}

/** Runs fn with recording on (and returns its result), even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  const prev = ENGINE.gradEnabled;
  ENGINE.gradEnabled = true;
  try {
    return fn();
  } finally {
    ENGINE.gradEnabled = prev;
  }
}

/** x as a value with no gradient: nothing flows back through it. */
export function stopGradient(x: Tensor): Tensor {
  return detach(x);
}

function checkInput(op: string, x: unknown, i: number): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: argument ${i} must be a Tensor, got ${typeof x}`);
  x.assertAlive(op);
  if (!isFloat(x.dtype)) throw new DTypeError(`${op}: argument ${i} must be a floating-point tensor to differentiate, got ${x.dtype}`);
  return x;
}

/**
 * A fresh, distinct tensor for an argument being differentiated: a recorded
 * identity of x when x is already in a graph (so gradients still reach x's own
 * graph, while closures over x do not count as uses of the argument), or a new
 * leaf otherwise.
 */
function argument(x: Tensor): Tensor {
  const t = alias(x);
  if (x.requiresGrad && ENGINE.gradEnabled) record('clone', [x], t);
  else t.requiresGrad = true;
  return t;
}

/** Gradients of `outputs` (with cotangents) with respect to `inputs`; zeros where unreachable. */
export function gradients(outputs: Tensor[], inputs: Tensor[], cotangents: Tensor[], createGraph: boolean): Tensor[] {
  const captured = propagate(outputs, cotangents, inputs, { createGraph, retainGraph: true });
  return inputs.map((x) => {
    const key = x.gradFn ?? x.leafOf ?? x;
    const g = captured.get(key as never);
    captured.delete(key as never);
    return g ?? zerosLike(x);
  });
}

interface Traced {
  args: Tensor[];
  out: Tensor;
  createGraph: boolean;
}

/** Runs f on fresh arguments for the positions in argnums, recording. */
function trace(op: string, f: (...xs: Tensor[]) => Tensor, rawArgs: unknown[], argnums: number[]): Traced {
  const args = rawArgs.map((a, i) => (argnums.includes(i) ? argument(checkInput(op, a, i)) : (a as Tensor)));
  // Nested in another transform, or differentiating a graph the caller records: keep recording.
  const createGraph = depth > 1 || argnums.some((i) => (rawArgs[i] as Tensor).requiresGrad);
  const out = enableGrad(() => f(...args));
  if (!(out instanceof Tensor)) throw new ArgumentError(`${op}: the function must return a Tensor, got ${typeof out}`);
  return { args, out, createGraph };
}

function valueAndGradImpl(op: string, f: (...xs: Tensor[]) => Tensor, rawArgs: unknown[], argnums: number[]): [Tensor, Tensor[]] {
  depth++;
  try {
    return ENGINE.tidy(() => {
      const { args, out, createGraph } = trace(op, f, rawArgs, argnums);
      if (out.size !== 1) throw new ShapeError(`${op}: the function must return a scalar (one element), got shape ${fmt(out.shape)}`);
      if (!isFloat(out.dtype)) throw new DTypeError(`${op}: the function must return a floating-point scalar, got ${out.dtype}`);
      const wanted = argnums.map((i) => args[i]);
      const gs = gradients([out], wanted, [onesLike(out)], createGraph);
      const value = createGraph ? out : detach(out);
      return [value, createGraph ? gs : gs.map((g) => (g.gradFn ? detach(g) : g))] as [Tensor, Tensor[]];
    });
  } finally {
    depth--;
  }
}

type Fn = (...xs: Tensor[]) => Tensor;

/** The gradient of a scalar function with respect to its first argument. */
export function grad(f: Fn): (...args: Tensor[]) => Tensor {
  return (...args) => {
    const [v, [g]] = valueAndGradImpl('grad', f, args, [0]);
    v.dispose();
    return g;
  };
}

/** The gradients of a scalar function with respect to every argument, as an array. */
export function grads(f: Fn): (...args: Tensor[]) => Tensor[] {
  return (...args) => {
    const [v, gs] = valueAndGradImpl(
      'grads',
      f,
      args,
      args.map((_, i) => i),
    );
    v.dispose();
    return gs;
  };
}

/**
 * The value and the gradient(s) of a scalar function: `[value, gradient]` for a
 * function of one argument, `[value, gradients[]]` for several.
 */
export function valueAndGrad(f: Fn): (...args: Tensor[]) => [Tensor, Tensor | Tensor[]] {
  return (...args) => {
    const [v, gs] = valueAndGradImpl(
      'valueAndGrad',
      f,
      args,
      args.map((_, i) => i),
    );
    return [v, args.length === 1 ? gs[0] : gs];
  };
}

/**
 * `[out, vjpFn]`: vjpFn(cotangent) returns the vector-Jacobian product for
 * every primal (always an array). vjpFn can be called repeatedly.
 */
export function vjp(f: Fn, ...primals: Tensor[]): [Tensor, (cotangent: Tensor) => Tensor[]] {
  depth++;
  let traced: Traced;
  try {
    traced = ENGINE.tidy(() =>
      trace(
        'vjp',
        f,
        primals,
        primals.map((_, i) => i),
      ),
    );
  } finally {
    depth--;
  }
  const { args, out, createGraph } = traced;
  const vjpFn = (cotangent: Tensor): Tensor[] => {
    checkInput('vjp', cotangent, 0);
    if (cotangent.ndim !== out.ndim || cotangent.shape.some((d, i) => d !== out.shape[i])) {
      throw new ShapeError(`vjp: cotangent of shape ${fmt(cotangent.shape)} does not match the output's shape ${fmt(out.shape)}`);
    }
    depth++;
    try {
      return ENGINE.tidy(() => {
        const gs = gradients([out], args, [cotangent], createGraph || cotangent.requiresGrad || depth > 1);
        return createGraph || depth > 1 ? gs : gs.map((g) => (g.gradFn ? detach(g) : g));
      });
    } finally {
      depth--;
    }
  };
  return [createGraph ? alias(out) : detach(out), vjpFn];
}

/**
 * `[out, tangentOut]`: the Jacobian-vector product J t, exact (not finite
 * differences). Computed by transposing the vector-Jacobian product: the VJP
 * u -> J^T u is linear in u, and its VJP with cotangent t is J t. This needs
 * every gradient rule to be differentiable, which wasmgrad's are.
 */
export function jvp(f: Fn, primals: Tensor[], tangents: Tensor[]): [Tensor, Tensor] {
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new ArgumentError('jvp: primals and tangents must be arrays of the same length');
  }
  primals.forEach((p, i) => {
    checkInput('jvp', tangents[i], i);
    if (p.ndim !== tangents[i].ndim || p.shape.some((d, k) => d !== tangents[i].shape[k])) {
      throw new ShapeError(`jvp: tangent ${i} of shape ${fmt(tangents[i].shape)} does not match its primal's shape ${fmt(p.shape)}`);
    }
  });
  depth++;
  try {
    return ENGINE.tidy(() => {
      const { args, out, createGraph } = trace(
        'jvp',
        f,
        primals,
        primals.map((_, i) => i),
      );
      const u = zerosLike(out);
      u.requiresGrad = true;
      const g = gradients([out], args, [u], true);
      const [tOut] = gradients(g, [u], tangents, createGraph || tangents.some((t) => t.requiresGrad));
      return [createGraph ? out : detach(out), createGraph ? tOut : detach(tOut)] as [Tensor, Tensor];
    });
  } finally {
    depth--;
  }
}

/** The Jacobian of f at x, of shape [...out.shape, ...x.shape] (one VJP per output element). */
export function jacobian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => {
    return ENGINE.tidy(() => {
      const [out, vjpFn] = vjp(f, x);
      const m = out.size;
      const rows: Tensor[] = [];
      for (let i = 0; i < m; i++) {
        const e = new (arrayCtor(out.dtype))(m);
        e[i] = 1;
        rows.push(reshape(vjpFn(fromTypedArray(e, out.shape, out.dtype))[0], [-1]));
      }
      const J = m === 0 ? zeros([0, x.size], { dtype: x.dtype }) : stack(rows, 0);
      return reshape(J, [...out.shape, ...x.shape]);
    });
  };
}

/** The Hessian of a scalar f at x, of shape [...x.shape, ...x.shape]. */
export function hessian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return jacobian(grad(f));
}

/** The Hessian-vector product H v of a scalar f at x, without forming H (reverse over reverse). */
export function hvp(f: (x: Tensor) => Tensor): (x: Tensor, v: Tensor) => Tensor {
  return (x, v) => grad((y: Tensor) => sum(mul(grad(f)(y), v)))(x);
}

let customId = 0;

/**
 * A function with a user-defined gradient. `forward(...xs)` computes the value
 * (not recorded); `backward(g, { inputs, output })` returns one gradient per
 * input (or a single tensor for one input), written with public ops so that it
 * can itself be differentiated.
 */
export function customGrad(
  forward: (...xs: Tensor[]) => Tensor,
  backward: (g: Tensor, saved: { inputs: Tensor[]; output: Tensor }) => Tensor | (Tensor | null)[],
): (...xs: Tensor[]) => Tensor {
  const op = `customGrad#${customId++}`;
  defineGrad(op, {
    saveInputs: true,
    saveOutput: true,
    rule: ({ g, inputs, output }) => {
      const r = backward(g, { inputs: inputs as Tensor[], output: output as Tensor });
      return Array.isArray(r) ? r : [r];
    },
  });
  return (...xs) => {
    xs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new ArgumentError(`customGrad: argument ${i} must be a Tensor`);
    });
    const out = noGrad(() => forward(...xs));
    if (!(out instanceof Tensor)) throw new ArgumentError('customGrad: forward must return a Tensor');
    record(op, xs, out);
    return out;
  };
}
