// nn.Module: the base of every layer. Like PyTorch, a module finds its
// parameters, buffers and children among its own properties (in the order they
// were assigned), names them with dotted paths (`0.weight`, `conv1.bias`), and
// saves and loads them as a state dict whose keys are PyTorch's.
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { ENGINE } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import { noGrad } from '../grad/transforms.js';
import { copy_ } from '../ops/inplace.js';

const PARAMETERS = new WeakSet<Tensor>();
const BUFFERS = new WeakSet<Tensor>();

/** Marks t as a trainable parameter: a leaf that requires a gradient and that no tidy disposes. */
export function parameter(t: Tensor): Tensor {
  if (t.dtype === 'int32') throw new DTypeError('parameter: parameters must be floating-point tensors');
  if (!t.isLeaf) throw new ArgumentError('parameter: parameters must be leaf tensors (detach first)');
  ENGINE.keep(t);
  t.requiresGrad = true;
  PARAMETERS.add(t);
  return t;
}

/** Marks t as a buffer: module state saved in the state dict but not trained (running statistics). */
export function buffer(t: Tensor): Tensor {
  ENGINE.keep(t);
  BUFFERS.add(t);
  return t;
}

export function isParameter(t: unknown): t is Tensor {
  return t instanceof Tensor && PARAMETERS.has(t);
}

export interface LoadOptions {
  /** Require exactly the module's keys (default true, as in PyTorch). */
  strict?: boolean;
}

export abstract class Module {
  /** Training mode (dropout active, batch statistics); `eval()` turns it off. */
  training = true;

  abstract forward(...args: any[]): any;

  /** Own properties that are modules, or arrays of modules (named `key.i`). */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([k, v]);
      else if (Array.isArray(v)) v.forEach((m, i) => m instanceof Module && out.push([`${k}.${i}`, m]));
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every module below it, depth first. */
  modules(): Module[] {
    return [this, ...this.children().flatMap((c) => c.modules())];
  }

  /** Own tensors of the given kinds (parameters before buffers, as PyTorch), then the children's. */
  private namedTensors(kinds: WeakSet<Tensor>[], prefix: string, out: [string, Tensor][], seen: Set<Tensor>): [string, Tensor][] {
    for (const kind of kinds) {
      for (const [k, v] of Object.entries(this)) {
        if (v instanceof Tensor && kind.has(v) && !seen.has(v)) {
          seen.add(v);
          out.push([prefix + k, v]);
        }
      }
    }
    for (const [k, m] of this.namedChildren()) m.namedTensors(kinds, `${prefix}${k}.`, out, seen);
    return out;
  }

  /** [dotted name, parameter] pairs, each parameter once. */
  namedParameters(): [string, Tensor][] {
    return this.namedTensors([PARAMETERS], '', [], new Set());
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(): [string, Tensor][] {
    return this.namedTensors([BUFFERS], '', [], new Set());
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** The number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Parameters and buffers by dotted name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedTensors([PARAMETERS, BUFFERS], '', [], new Set()));
  }

  /**
   * Copies values into the parameters and buffers (shapes must match). With
   * `strict` (the default) the keys must match exactly; the error names the
   * missing and unexpected keys. Returns them either way.
   */
  loadStateDict(state: Record<string, Tensor>, opts: LoadOptions = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !(k in own));
    if ((opts.strict ?? true) && (missingKeys.length || unexpectedKeys.length)) {
      throw new ArgumentError(
        `loadStateDict: keys do not match ${this.constructor.name}: missing [${missingKeys.join(', ')}], unexpected [${unexpectedKeys.join(', ')}]`,
      );
    }
    for (const [k, t] of Object.entries(own)) {
      const src = state[k];
      if (!src) continue;
      if (!(src instanceof Tensor)) throw new ArgumentError(`loadStateDict: '${k}' is not a Tensor`);
      if (!shapesEqual(src.shape, t.shape)) {
        throw new ShapeError(`loadStateDict: '${k}' has shape ${fmt(src.shape)} in the state dict but ${fmt(t.shape)} in ${this.constructor.name}`);
      }
    }
    noGrad(() => {
      for (const [k, t] of Object.entries(own)) if (state[k]) copy_(t, state[k]);
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Converts every floating-point parameter and buffer to `dtype` (new tensors
   * replace the old ones, which are freed): call it before creating an optimizer.
   */
  to(dtype: 'float32' | 'float64'): this {
    for (const m of this.modules()) {
      const own = m as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(own)) {
        if (!(v instanceof Tensor) || v.dtype === dtype || v.dtype === 'int32') continue;
        const isParam = PARAMETERS.has(v);
        if (!isParam && !BUFFERS.has(v)) continue;
        const c = noGrad(() => v.cast(dtype));
        own[k] = isParam ? parameter(c) : buffer(c);
        v.dispose();
      }
    }
    return this;
  }

  double(): this {
    return this.to('float64');
  }

  float(): this {
    return this.to('float32');
  }

  /** Disposes each parameter's gradient and sets it to null. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Frees every parameter and buffer. */
  dispose(): void {
    for (const t of [...this.parameters(), ...this.buffers()]) t.dispose();
  }

  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (!kids.length) return `${head})`;
    const body = kids.map(([k, m]) => `  (${k}): ${m.toString().replace(/\n/g, '\n  ')}`).join('\n');
    return `${head}\n${body}\n)`;
  }

  /** What toString shows inside the parentheses. */
  protected extraRepr(): string {
    return '';
  }
}
