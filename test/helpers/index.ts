// Test helpers: seeded data, running one computation on several backends, and
// comparing results with tolerances.
import { expect } from 'vitest';
import { Random } from '../../src/core/random.js';
import type { BackendName } from '../../src/engine/backend.js';
import { ENGINE } from '../../src/engine/engine.js';
import * as wg from '../../src/index.js';

export type { BackendName };
export { wg };

/** Sizes that hit the SIMD and tile edges. */
export const EDGE_SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 127, 129];

/** The fast backends checked against the js reference. */
export const FAST_BACKENDS: BackendName[] = ['wasm'];

let ready: Promise<void> | null = null;

/** Starts the js and wasm backends once per test file; wasm stays the default. */
export function setupBackends(): Promise<void> {
  ready ??= (async () => {
    await wg.init({ backend: 'js' });
    await wg.init({ backend: 'wasm' });
  })();
  return ready;
}

/** Runs fn with `backend` as the default backend. */
export function on<T>(backend: BackendName, fn: () => T): T {
  const prev = ENGINE.backend.name;
  ENGINE.setBackend(backend);
  try {
    return fn();
  } finally {
    ENGINE.setBackend(prev);
  }
}

export function rng(seed = 1): Random {
  return new Random(seed);
}

/** n uniform values in [lo, hi). */
export function uniform(r: Random, n: number, lo = -1, hi = 1): number[] {
  return Array.from({ length: n }, () => lo + (hi - lo) * r.uniform());
}

export interface Tol {
  rtol?: number;
  atol?: number;
}

/** Elementwise closeness with NaN == NaN and matching infinities. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tol = {}, what = ''): void {
  const rtol = tol.rtol ?? 1e-5;
  const atol = tol.atol ?? 1e-6;
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        worst = i;
        break;
      }
      continue;
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a !== e) {
        worst = i;
        break;
      }
      continue;
    }
    const err = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (err > worstErr) {
      worstErr = err;
      worst = i;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** An input description: data plus how to lay it out on a backend. */
export interface Input {
  data: number[];
  shape: number[];
  dtype?: wg.DType;
  /** Build a non-contiguous view: the data is stored with these axes permuted, then permuted back. */
  permuted?: number[];
  /** Store a padded tensor and slice it (a view with an offset and gaps). */
  sliced?: boolean;
}

/** An input of the given shape with values uniform in [-1, 1). */
export function randomInput(r: Random, shape: number[], extra: Partial<Input> = {}): Input {
  return {
    data: uniform(
      r,
      shape.reduce((a, b) => a * b, 1),
    ),
    shape,
    ...extra,
  };
}

/** Places an input on the current backend, as a contiguous tensor or as a strided view of the same values. */
export function place(inp: Input): wg.Tensor {
  const dtype = inp.dtype ?? 'float32';
  const base = wg.tensor(inp.data, { shape: inp.shape, dtype });
  if (inp.permuted) {
    // Store the values permuted (contiguously), then view them back in the original order.
    const p = inp.permuted;
    const stored = base.permute(p).contiguous();
    const inv: number[] = [];
    p.forEach((a, i) => (inv[a] = i));
    base.dispose();
    return stored.permute(inv);
  }
  if (inp.sliced) {
    // Embed in a tensor one larger on every axis with step 2 on the last, then slice.
    const big = wg.zeros(
      inp.shape.map((d, i) => (i === inp.shape.length - 1 ? 2 * d + 1 : d + 1)),
      { dtype },
    );
    const begin = inp.shape.map(() => 1);
    const end = inp.shape.map((d, i) => (i === inp.shape.length - 1 ? 1 + 2 * d : 1 + d));
    const step = inp.shape.map((_, i) => (i === inp.shape.length - 1 ? 2 : 1));
    const filled = big.sliceScatter(base, begin, end, step);
    big.dispose();
    base.dispose();
    return filled.slice(begin, end, step);
  }
  return base;
}

/** Runs `run` on inputs placed on `backend` and returns the outputs' data, shapes and dtypes. */
export function runOn(backend: BackendName, inputs: Input[], run: (...xs: wg.Tensor[]) => wg.Tensor | wg.Tensor[]) {
  return on(backend, () =>
    wg.tidy(() => {
      const xs = inputs.map(place);
      const out = run(...xs);
      const outs = Array.isArray(out) ? out : [out];
      return outs.map((t) => ({ data: Array.from(t.dataSync()), shape: [...t.shape], dtype: t.dtype, device: t.device }));
    }),
  );
}

/** Checks that `backend` gives the js reference's results for `run` on `inputs`. */
export function compareWithReference(
  backend: BackendName,
  inputs: Input[],
  run: (...xs: wg.Tensor[]) => wg.Tensor | wg.Tensor[],
  tol: Tol = {},
  what = '',
): void {
  const ref = runOn('js', inputs, run);
  const got = runOn(backend, inputs, run);
  expect(got.length, what).toBe(ref.length);
  got.forEach((g, i) => {
    expect(g.device, `${what}: device`).toBe(backend);
    expect(g.shape, `${what}: shape of output ${i}`).toEqual(ref[i].shape);
    expect(g.dtype, `${what}: dtype of output ${i}`).toBe(ref[i].dtype);
    expectClose(g.data, ref[i].data, tol, `${what} output ${i}`);
  });
}
