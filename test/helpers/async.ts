// Async variants of the comparison helpers, for backends whose data is read
// with `await t.data()` (webgpu), and the WebGPU setup the webgpu suites share.
import { expect } from 'vitest';
import type { BackendName } from '../../src/engine/backend.js';
import { expectClose, type Input, on, place, runOn, type Tol, wg } from './index.js';

export interface Output {
  data: number[];
  shape: number[];
  dtype: wg.DType;
  device: string;
}

/** Reads tensors with await data() and disposes them. */
export async function readAll(ts: wg.Tensor[]): Promise<Output[]> {
  try {
    return await Promise.all(ts.map(async (t) => ({ data: Array.from(await t.data()), shape: [...t.shape], dtype: t.dtype, device: t.device })));
  } finally {
    for (const t of ts) t.dispose();
  }
}

/** runOn for any backend: builds inside tidy (synchronously), then reads the outputs with await data(). */
export async function runOnAsync(backend: BackendName, inputs: Input[], run: (...xs: wg.Tensor[]) => wg.Tensor | wg.Tensor[]): Promise<Output[]> {
  const outs = on(backend, () =>
    wg.tidy(() => {
      const out = run(...inputs.map(place));
      return Array.isArray(out) ? out : [out];
    }),
  );
  return readAll(outs);
}

/** compareWithReference for backends read asynchronously. */
export async function compareWithReferenceAsync(
  backend: BackendName,
  inputs: Input[],
  run: (...xs: wg.Tensor[]) => wg.Tensor | wg.Tensor[],
  tol: Tol = {},
  what = '',
): Promise<void> {
  const ref = runOn('js', inputs, run);
  const got = await runOnAsync(backend, inputs, run);
  expect(got.length, what).toBe(ref.length);
  got.forEach((g, i) => {
    expect(g.device, `${what}: device`).toBe(backend);
    expect(g.shape, `${what}: shape of output ${i}`).toEqual(ref[i].shape);
    expect(g.dtype, `${what}: dtype of output ${i}`).toBe(ref[i].dtype);
    expectClose(g.data, ref[i].data, tol, `${what} output ${i}`);
  });
}

let gpuReady: Promise<GPU> | null = null;

/**
 * The WebGPU entry point for Node (the `webgpu` dev dependency, Dawn). A
 * missing adapter FAILS the run: CI must not pass by skipping the GPU suites.
 */
export function nodeGpu(): Promise<GPU> {
  gpuReady ??= (async () => {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    const gpu = create([]) as GPU;
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      throw new Error(
        'WebGPU: requestAdapter() returned null. The webgpu tests need an adapter; on Debian install mesa-vulkan-drivers and libvulkan1 from bookworm-backports (see README).',
      );
    }
    return gpu;
  })();
  return gpuReady;
}

/** Starts js, wasm and webgpu; webgpu stays the default. */
export async function setupWebGpu(): Promise<void> {
  await wg.init({ backend: 'js' });
  await wg.init({ backend: 'wasm' });
  await wg.init({ backend: 'webgpu', gpu: await nodeGpu() });
}

/**
 * The Compare (helpers/cases.ts) of a backend read with await data(). A case
 * that needs float64 must fail with a DTypeError on a backend without float64.
 */
export function compareAsyncOn(backend: BackendName, hasFloat64 = backend !== 'webgpu') {
  return async (inputs: Input[], run: (...xs: wg.Tensor[]) => wg.Tensor | wg.Tensor[], tol: Tol, what: string, opts: { float64?: boolean } = {}) => {
    if (opts.float64 && !hasFloat64) {
      await expect(runOnAsync(backend, inputs, run), what).rejects.toThrow(wg.DTypeError);
      await expect(runOnAsync(backend, inputs, run), what).rejects.toThrow(/float64/);
      return;
    }
    await compareWithReferenceAsync(backend, inputs, run, tol, what);
  };
}
