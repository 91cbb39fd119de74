// Every layer of wg.nn against PyTorch: each case of test/fixtures/layers.json
// (written by test/fixtures/generate_layers.py) builds the wasmgrad layer, loads
// PyTorch's state dict strictly (so parameter names and shapes must be
// PyTorch's), runs forward, and compares the outputs, the buffers after the
// call, and the gradient of sum(output * cotangent) with respect to every
// parameter and input. The js backend runs in float64 (tolerance 1e-10), the
// wasm backend in float32.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendName } from '../../src/engine/backend.js';
import { expectClose, on, setupBackends, type Tol, wg } from '../helpers/index.js';

beforeAll(setupBackends);

type Encoded = number | 'nan' | 'inf' | '-inf';
interface Arr {
  shape: number[];
  dtype: 'float64' | 'int32';
  data: Encoded[];
}
interface Spec {
  type: string;
  args: unknown[];
}
interface Case {
  name: string;
  module: Spec;
  train: boolean;
  state: Record<string, Arr>;
  inputs: Arr[];
  call: unknown[];
  outputs: (Arr | null)[];
  cotangents: (Arr | null)[];
  paramGrads: Record<string, Arr>;
  inputGrads: (Arr | null)[];
  stateAfter: Record<string, Arr>;
}

const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/layers.json', import.meta.url), 'utf8')) as { cases: Case[] };

const decode = (v: Encoded): number => (typeof v === 'number' ? v : v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : -Infinity);
const values = (a: Arr) => a.data.map(decode);

const TOL: Record<BackendName, Tol> = { js: { rtol: 1e-10, atol: 1e-10 }, wasm: { rtol: 2e-4, atol: 2e-4 } } as Record<BackendName, Tol>;
const FLOAT: Record<string, wg.DType> = { js: 'float64', wasm: 'float32' };

const nnClasses = wg.nn as unknown as Record<string, new (...args: unknown[]) => wg.nn.Module>;

/** Builds `new wg.nn[type](...args)`, where an argument {$module: spec} is itself built. */
function build(spec: Spec): wg.nn.Module {
  const ctor = nnClasses[spec.type];
  if (typeof ctor !== 'function') throw new Error(`layers.json: wg.nn has no ${spec.type}`);
  const args = spec.args.map((a) => (a && typeof a === 'object' && '$module' in a ? build((a as { $module: Spec }).$module) : a));
  return new ctor(...args);
}

/** Every module type a spec builds (Sequential's children included). */
function types(spec: Spec): string[] {
  const nested = spec.args.filter((a): a is { $module: Spec } => !!a && typeof a === 'object' && '$module' in a);
  return [spec.type, ...nested.flatMap((a) => types(a.$module))];
}

/**
 * Converts a module's floating-point parameters and buffers to `dtype` in
 * place (modules are built in float32): replaces each property with a cast copy.
 */
function castModule(m: wg.nn.Module, dtype: wg.DType): void {
  for (const mod of m.modules()) {
    const own = mod as unknown as Record<string, unknown>;
    const bufs = new Set(mod.buffers());
    for (const [k, v] of Object.entries(own)) {
      if (!(v instanceof wg.Tensor) || v.dtype === 'int32' || v.dtype === dtype) continue;
      const isParam = wg.nn.isParameter(v);
      if (!isParam && !bufs.has(v)) continue;
      const copy = wg.noGrad(() => v.cast(dtype));
      own[k] = isParam ? wg.nn.parameter(copy) : wg.nn.buffer(copy);
      v.dispose();
    }
  }
}

/** Replaces {$input: i} in the forward call with the input tensors (in arrays and options too). */
function resolve(x: unknown, inputs: wg.Tensor[]): unknown {
  if (Array.isArray(x)) return x.map((v) => resolve(v, inputs));
  if (x && typeof x === 'object') {
    if ('$input' in x) return inputs[(x as { $input: number }).$input];
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, resolve(v, inputs)]));
  }
  return x;
}

function flatOutputs(out: unknown): (wg.Tensor | null)[] {
  if (Array.isArray(out)) return out.flatMap(flatOutputs);
  return [out as wg.Tensor | null];
}

function expectTensor(t: wg.Tensor | null, want: Arr, tol: Tol, what: string): void {
  expect(t, what).toBeInstanceOf(wg.Tensor);
  expect(t!.shape, `${what}: shape`).toEqual(want.shape);
  expectClose(Array.from(t!.dataSync()), values(want), tol, what);
}

function runCase(c: Case, backend: BackendName): void {
  const float = FLOAT[backend];
  const tol = TOL[backend];
  const before = wg.memory().tensors;
  on(backend, () => {
    const m = build(c.module);
    castModule(m, float);
    const own = m.stateDict();
    const state = Object.fromEntries(Object.entries(c.state).map(([k, a]) => [k, wg.tensor(values(a), { shape: a.shape, dtype: own[k]?.dtype ?? float })]));
    m.loadStateDict(state);
    wg.dispose(state);
    m.train(c.train);
    const inputs = c.inputs.map((a, i) => {
      const t = wg.tensor(values(a), { shape: a.shape, dtype: a.dtype === 'int32' ? 'int32' : float });
      return c.inputGrads[i] ? t.requiresGrad_() : t;
    });
    wg.tidy(() => {
      const outs = flatOutputs(m.forward(...(resolve(c.call, inputs) as unknown[])));
      expect(outs.length, 'number of outputs').toBe(c.outputs.length);
      c.outputs.forEach((want, i) => (want ? expectTensor(outs[i], want, tol, `output ${i}`) : expect(outs[i], `output ${i}`).toBeNull()));
      const after = m.stateDict();
      for (const [k, want] of Object.entries(c.stateAfter)) expectTensor(after[k], want, tol, `buffer ${k} after forward`);

      const terms = c.cotangents.flatMap((cot, i) => (cot ? [outs[i]!.mul(wg.tensor(values(cot), { shape: cot.shape, dtype: float })).sum()] : []));
      terms.reduce((a, b) => a.add(b)).backward();
    });
    const params = Object.fromEntries(m.namedParameters());
    expect(Object.keys(params).sort()).toEqual(Object.keys(c.paramGrads).sort());
    for (const [k, want] of Object.entries(c.paramGrads)) {
      const g = params[k].grad;
      // A parameter that took no part gets no gradient; PyTorch's fixture says zeros.
      if (g === null)
        expect(
          values(want).every((v) => v === 0),
          `grad of ${k}`,
        ).toBe(true);
      else expectTensor(g, want, tol, `grad of ${k}`);
    }
    c.inputGrads.forEach((want, i) => {
      if (want) expectTensor(inputs[i].grad, want, tol, `grad of input ${i}`);
      inputs[i].grad?.dispose();
      inputs[i].dispose();
    });
    m.zeroGrad();
    m.dispose();
  });
  // Nothing of the layer, its graph or its gradients outlives it.
  expect(wg.memory().tensors).toBe(before);
}

describe('layers against PyTorch', () => {
  for (const backend of ['js', 'wasm'] as BackendName[]) {
    describe(backend, () => {
      for (const c of FIXTURE.cases) it(c.name, () => runCase(c, backend));
    });
  }
});

describe('regressions', () => {
  it('leakyRelu backward keeps a float64 slope', () =>
    on('js', () => {
      const x = wg.tensor([-1], { dtype: 'float64', requiresGrad: true });
      wg.leakyRelu(x, 0.2).sum().backward();
      expect(x.grad!.item()).toBe(0.2);
    }));
  it('Embedding with paddingIdx frees everything on dispose', () => {
    const before = wg.memory().tensors;
    new wg.nn.Embedding(5, 3, { paddingIdx: 0 }).dispose();
    expect(wg.memory().tensors).toBe(before);
  });
});

describe('fixture coverage', () => {
  it('has a case for every layer class exported by wg.nn', () => {
    const covered = new Set(FIXTURE.cases.flatMap((c) => types(c.module)));
    // ModuleList has no forward; test/nn/module.test.ts covers it.
    const elsewhere = new Set(['ModuleList']);
    const classes = Object.entries(nnClasses)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof wg.nn.Module)
      .map(([k]) => k);
    expect(classes.length).toBeGreaterThan(30);
    const missing = classes.filter((k) => !covered.has(k) && !elsewhere.has(k));
    expect(missing, 'wg.nn classes without a case in layers.json').toEqual([]);
  });
});
