// wg.env() in Node, and where the wasm loader finds its modules:
// setWasmPaths (folders, URLs, bytes), Vite's pre-bundled dependencies, and
// the error that says what to do.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { compileKernels, setWasmPaths, simdSupport, wasmUrl } from '../../src/backends/wasm/loader.js';
import { prebundledAssetUrl } from '../../src/core/assets.js';
import { env } from '../../src/env.js';
import { init } from '../../src/init.js';

afterEach(() => setWasmPaths(null));

describe('env()', () => {
  it('reports the runtime before and after init: Node, threads on a shared memory', async () => {
    const before = env();
    expect(before).toMatchObject({ runtime: 'node', threads: 1, crossOriginIsolated: false, sharedMemory: true, webgpu: false, adapter: null });
    expect(before.wasmFeatures.simd).toBe(true);
    expect(before.wasmFeatures.relaxedSimd).toBe(simdSupport().relaxed);
    expect(before.threadsReason).toMatch(/not started/);
    await init({ backend: 'wasm', threads: 1 });
    expect(env()).toMatchObject({ threads: 1 });
    expect(env().threadsReason).toMatch(/^one thread, as asked/);
    await init({ backend: 'wasm', threads: 2 });
    expect(env()).toMatchObject({ threads: 2, threadsReason: '2 threads on a shared WebAssembly memory' });
    expect(env().maxThreads).toBeGreaterThanOrEqual(2);
    const after = env();
    expect(after.backend).toBe('wasm');
    expect(after.simd).toBe(after.wasmFeatures.relaxedSimd ? 'relaxed' : 'simd');
    await init({ backend: 'js' });
    expect(env().backend).toBe('js');
    // The wasm build stays known while another backend is the default.
    expect(env().simd).toBe(after.simd);
  });
});

describe('the wasm loader', () => {
  it("finds the package's own files next to the modules", () => {
    expect(wasmUrl('simd').href).toMatch(/\/wasm\/wasmgrad-simd\.wasm$/);
    expect(wasmUrl('relaxed').href).toMatch(/\/wasm\/wasmgrad-relaxed\.wasm$/);
  });

  it("maps Vite's pre-bundled dependency folder to the package's folder", () => {
    const here = 'http://localhost:5173/node_modules/.vite/deps/wasmgrad.js?v=1a2b3c';
    expect(prebundledAssetUrl('wasm/wasmgrad-simd.wasm', here)?.href).toBe('http://localhost:5173/node_modules/wasmgrad/wasm/wasmgrad-simd.wasm');
    expect(prebundledAssetUrl('data/iris.csv', 'http://h/app/node_modules/.vite/deps/chunk-X.js')?.href).toBe(
      'http://h/app/node_modules/wasmgrad/data/iris.csv',
    );
    expect(prebundledAssetUrl('wasm/x.wasm', 'http://h/node_modules/wasmgrad/dist/backends/wasm/loader.js')).toBeNull();
    expect(prebundledAssetUrl('wasm/x.wasm', 'file:///work/dist/backends/wasm/loader.js')).toBeNull();
  });

  it('takes the bytes or a folder from setWasmPaths', async () => {
    const bytes = readFileSync(wasmUrl('simd'));
    setWasmPaths({ simd: bytes });
    expect((await compileKernels()).variant).toBe('simd');
    setWasmPaths(new URL('.', wasmUrl('simd')));
    expect((await compileKernels('simd')).variant).toBe('simd');
  });

  it('says what to do when the files are not where it looks', async () => {
    setWasmPaths('file:///nonexistent/wasmgrad/');
    await expect(compileKernels()).rejects.toThrow(/no usable kernel module.*ENOENT.*setWasmPaths/s);
    setWasmPaths({ simd: new TextEncoder().encode('<!doctype html>') });
    await expect(compileKernels()).rejects.toThrow(/simd: the bytes given to setWasmPaths are not a WebAssembly module.*doctype/);
    expect(() => setWasmPaths(42 as never)).toThrow(TypeError);
  });
});
