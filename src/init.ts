// Choosing and starting a backend.

import { JsBackend } from './backends/js/index.js';
import type { Variant } from './backends/wasm/loader.js';
import type { WebGpuBackend } from './backends/webgpu/backend.js';
import type { GpuEntry } from './backends/webgpu/entry.js';
import { ArgumentError, BackendError } from './core/errors.js';
import type { BackendName } from './engine/backend.js';
import { ENGINE } from './engine/engine.js';
import { setAutoPolicy } from './engine/transfer.js';
import { clearScalarCache } from './ops/util.js';

export interface InitOptions {
  /**
   * 'wasm' (default): the WebAssembly kernels; 'js': the plain TypeScript
   * reference; 'webgpu': WGSL compute shaders (needs a WebGPU adapter);
   * 'auto': ops on large tensors run on the GPU and small ones on WASM
   * (engine/transfer.ts has the rules; results made on the GPU are read with
   * `await t.data()`). Without an adapter 'auto' warns once and runs on WASM.
   */
  backend?: 'wasm' | 'js' | 'webgpu' | 'auto';
  /** wasm only: force the 'simd' or 'relaxed' build instead of the best one that validates. */
  variant?: Variant;
  /**
   * wasm: threads for large GEMMs and convolutions. Default: the number of
   * cores. More than one needs SharedArrayBuffer (Node, or a cross-origin
   * isolated page); elsewhere it is 1, without an error.
   */
  threads?: number;
  /**
   * webgpu and auto: the WebGPU entry point. Defaults to navigator.gpu; in Node,
   * pass one from a WebGPU implementation, e.g. `create([])` of the `webgpu` package.
   */
  gpu?: GpuEntry;
  /** auto: ops whose largest tensor has at least this many elements run on the GPU (default 16384). */
  autoThreshold?: number;
}

export interface BackendInfo {
  /** The backend new tensors are created on. */
  backend: BackendName;
  /** The wasm build in use ('relaxed' or 'simd'), or null. */
  variant: Variant | null;
  /** Threads of the wasm backend (1: none), or null when it is not started. */
  threads: number | null;
  /** The WebGPU adapter in use, or null. */
  adapter: string | null;
  /** 'auto' mode: whether a GPU was found and the threshold; null in the other modes. */
  auto: { gpu: boolean; threshold: number } | null;
}

// Measured with bench/webgpu.mjs on an NVIDIA H100 (bench/results/h100-webgpu-vs-wasm-*):
// the GPU overtakes WASM (16 threads in the latest run) from a 128x128 GEMM and a 4x16x16x16
// conv2d, both 16384 elements.
export const DEFAULT_AUTO_THRESHOLD = 16384;

let info: BackendInfo | null = null;
let gpuInUse: GpuEntry | undefined;
let warnedNoGpu = false;

const MAX_THREADS = 16;

async function startWasm(variant?: Variant, threadsAsked?: number): Promise<void> {
  if (threadsAsked !== undefined && !(Number.isInteger(threadsAsked) && threadsAsked >= 1)) {
    throw new ArgumentError(`init: threads must be a positive integer, got ${String(threadsAsked)}`);
  }
  const { WasmBackend } = await import('./backends/wasm/backend.js');
  const { coreCount, threadsAvailable } = await import('./backends/wasm/pool.js');
  const cores = await coreCount();
  const wanted = Math.min(MAX_THREADS, threadsAsked ?? cores);
  const threads = threadsAvailable() ? wanted : 1;
  const existing = ENGINE.getBackend('wasm') as import('./backends/wasm/backend.js').WasmBackend | undefined;
  if (existing && (!variant || existing.variant === variant) && existing.threads === threads && (existing.pool?.ok ?? true)) return;
  await import('./backends/wasm/kernels/index.js');
  const b = await WasmBackend.create({ variant, threads });
  existing?.close();
  ENGINE.registerBackend(b);
  clearScalarCache();
}

/** Starts (or reuses) the webgpu backend; throws a BackendError without WebGPU or an adapter. */
async function startWebGpu(gpu?: GpuEntry): Promise<WebGpuBackend> {
  const existing = ENGINE.getBackend('webgpu') as WebGpuBackend | undefined;
  if (existing && existing.lostReason === null && (gpu === undefined || gpu === gpuInUse)) return existing;
  const { createWebGpuBackend } = await import('./backends/webgpu/index.js');
  // After a lost device, the entry point given before serves again.
  const entry = gpu ?? gpuInUse;
  const b = await createWebGpuBackend({ gpu: entry });
  gpuInUse = entry;
  ENGINE.registerBackend(b);
  // Cached scalars are keyed by backend name: those of a previous device must go.
  clearScalarCache();
  return b;
}

/** Starts a backend and makes it the default for new tensors. Safe to call again to switch. */
export async function init(opts: InitOptions = {}): Promise<BackendInfo> {
  const mode = opts.backend ?? 'wasm';
  if (!['wasm', 'js', 'webgpu', 'auto'].includes(mode)) {
    throw new ArgumentError(`init: unknown backend '${String(mode)}' (expected 'wasm', 'js', 'webgpu' or 'auto')`);
  }
  const threshold = opts.autoThreshold ?? DEFAULT_AUTO_THRESHOLD;
  if (typeof threshold !== 'number' || !(threshold >= 0)) {
    throw new ArgumentError(`init: autoThreshold must be a number >= 0, got ${String(opts.autoThreshold)}`);
  }
  let name: BackendName;
  let adapter: string | null = null;
  let auto: BackendInfo['auto'] = null;
  setAutoPolicy(null);
  if (mode === 'js') {
    if (!ENGINE.hasBackend('js')) ENGINE.registerBackend(new JsBackend());
    name = 'js';
  } else if (mode === 'wasm') {
    await startWasm(opts.variant, opts.threads);
    name = 'wasm';
  } else if (mode === 'webgpu') {
    adapter = (await startWebGpu(opts.gpu)).adapterName;
    name = 'webgpu';
  } else {
    await startWasm(opts.variant, opts.threads);
    name = 'wasm';
    try {
      adapter = (await startWebGpu(opts.gpu)).adapterName;
      setAutoPolicy({ cpu: 'wasm', gpu: 'webgpu', threshold });
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      if (!warnedNoGpu) console.warn(`wasmgrad: backend 'auto' runs on WASM only: ${e.message}`);
      warnedNoGpu = true;
    }
    auto = { gpu: adapter !== null, threshold };
  }
  ENGINE.setBackend(name);
  const b = ENGINE.backend as { variant?: Variant };
  const wasm = ENGINE.getBackend('wasm') as { threads?: number } | undefined;
  info = { backend: name, variant: b.variant ?? null, threads: wasm?.threads ?? null, adapter, auto };
  return info;
}

/** The active backend and build, or null before init. */
export function backendInfo(): BackendInfo | null {
  return info;
}
