// Choosing and starting a backend.

import { JsBackend } from './backends/js/index.js';
import type { Variant } from './backends/wasm/loader.js';
import { ArgumentError } from './core/errors.js';
import type { BackendName } from './engine/backend.js';
import { ENGINE } from './engine/engine.js';
import { clearScalarCache } from './ops/util.js';

export interface InitOptions {
  /** 'wasm' (default): the WebAssembly kernels; 'js': the plain TypeScript reference. */
  backend?: 'wasm' | 'js';
  /** wasm only: force the 'simd' or 'relaxed' build instead of the best one that validates. */
  variant?: Variant;
}

export interface BackendInfo {
  backend: BackendName;
  /** The wasm build in use ('relaxed' or 'simd'), or null. */
  variant: Variant | null;
}

let info: BackendInfo | null = null;

/** Starts a backend and makes it the default for new tensors. Safe to call again to switch. */
export async function init(opts: InitOptions = {}): Promise<BackendInfo> {
  const name = opts.backend ?? 'wasm';
  if (name !== 'wasm' && name !== 'js') throw new ArgumentError(`init: unknown backend '${String(name)}' (expected 'wasm' or 'js')`);
  if (name === 'js') {
    if (!ENGINE.hasBackend('js')) ENGINE.registerBackend(new JsBackend());
  } else {
    const existing = ENGINE.getBackend('wasm') as { variant?: Variant } | undefined;
    if (!existing || (opts.variant && existing.variant !== opts.variant)) {
      const { WasmBackend } = await import('./backends/wasm/backend.js');
      await import('./backends/wasm/kernels/index.js');
      ENGINE.registerBackend(await WasmBackend.create({ variant: opts.variant }));
      clearScalarCache();
    }
  }
  ENGINE.setBackend(name);
  const b = ENGINE.backend as { variant?: Variant };
  info = { backend: name, variant: b.variant ?? null };
  return info;
}

/** The active backend and build, or null before init. */
export function backendInfo(): BackendInfo | null {
  return info;
}
