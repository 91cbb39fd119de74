// What this runtime offers wasmgrad and what it uses: the wasm build (SIMD
// variant), threads and cross-origin isolation, WebGPU.
//
// Threads: WebAssembly threads need a SharedArrayBuffer, which browsers only
// give to cross-origin-isolated pages, served with
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
// Without them wasmgrad runs on one thread, with no error. `threads` is what
// the wasm backend uses, `maxThreads` what it could use here.
import { simdSupport, type Variant } from './backends/wasm/loader.js';
import { knownCores } from './backends/wasm/pool.js';
import type { BackendName } from './engine/backend.js';
import { ENGINE } from './engine/engine.js';
import { backendInfo } from './init.js';

export { setWasmPaths, type WasmPaths, type WasmSource } from './backends/wasm/loader.js';

export type Runtime = 'node' | 'browser' | 'worker' | 'other';

export interface WasmgradEnv {
  /** 'node', 'browser' (a page), 'worker' (a web worker), or 'other' (Deno, Bun, ...). */
  runtime: Runtime;
  /** The backend new tensors are created on, or null before init(). */
  backend: BackendName | null;
  /** The wasm build in use, 'relaxed' (relaxed SIMD) or 'simd', or null before the wasm backend starts. */
  simd: Variant | null;
  /** What this engine's WebAssembly validates (tested on tiny modules, nothing is downloaded). */
  wasmFeatures: { simd: boolean; relaxedSimd: boolean; threads: boolean };
  /** Threads the kernels run on: 1 (no thread pool yet). */
  threads: number;
  /** Threads a pool could use here: the logical cores when shared memory is available, else 1. */
  maxThreads: number;
  /** Why `threads` is what it is, in words. */
  threadsReason: string;
  /** The global `crossOriginIsolated` (COOP same-origin and COEP require-corp); false outside browsers, where it does not apply. */
  crossOriginIsolated: boolean;
  /** Whether SharedArrayBuffer is usable: in Node always, in browsers only when cross-origin isolated. */
  sharedMemory: boolean;
  /** Whether a WebGPU entry point (navigator.gpu) exists; an adapter may still be missing. */
  webgpu: boolean;
  /** The WebGPU adapter in use, or null. */
  adapter: string | null;
}

interface Globals {
  process?: { versions?: { node?: string } };
  window?: unknown;
  document?: unknown;
  WorkerGlobalScope?: abstract new () => unknown;
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number; gpu?: unknown };
}

function runtime(g: Globals): Runtime {
  if (typeof g.process?.versions?.node === 'string') return 'node';
  if (typeof g.window === 'object' && typeof g.document === 'object') return 'browser';
  if (typeof g.WorkerGlobalScope === 'function' && g instanceof g.WorkerGlobalScope) return 'worker';
  return 'other';
}

// A module with a shared memory and an atomic load (wasm-feature-detect's probe).
const THREADS_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11];

function validates(bytes: number[]): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
}

/** The runtime's capabilities and what wasmgrad uses of them. Safe to call before init(). */
export function env(): WasmgradEnv {
  const g = globalThis as Globals;
  const rt = runtime(g);
  const support = simdSupport();
  const threadsOk = validates(THREADS_PROBE);
  const isolated = g.crossOriginIsolated === true;
  const sharedMemory = typeof SharedArrayBuffer === 'function' && (rt === 'node' || rt === 'other' || isolated);
  const cores = Math.max(1, Math.floor(knownCores()));
  const maxThreads = sharedMemory && threadsOk ? cores : 1;
  let threadsReason = '';
  if (!threadsOk) threadsReason = 'one thread: this WebAssembly engine has no threads (shared memory and atomics)';
  else if (!sharedMemory)
    threadsReason =
      'one thread: the page is not cross-origin isolated, so there is no SharedArrayBuffer (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  const info = backendInfo();
  const wasm = ENGINE.getBackend('wasm') as { variant?: Variant; threads?: number } | undefined;
  const threads = wasm?.threads ?? 1;
  if (threadsOk && sharedMemory) {
    threadsReason =
      threads > 1
        ? `${threads} threads on a shared WebAssembly memory`
        : wasm
          ? `one thread, as asked (wg.init({ threads }); ${maxThreads} could be used here)`
          : `the wasm backend is not started (${maxThreads} threads could be used here)`;
  }
  return {
    runtime: rt,
    backend: info?.backend ?? null,
    simd: wasm?.variant ?? null,
    wasmFeatures: { simd: support.simd, relaxedSimd: support.relaxed, threads: threadsOk },
    threads,
    maxThreads,
    threadsReason,
    crossOriginIsolated: isolated,
    sharedMemory,
    webgpu: typeof g.navigator?.gpu === 'object' && g.navigator.gpu !== null,
    adapter: info?.adapter ?? null,
  };
}
