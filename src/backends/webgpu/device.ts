// Getting a GPUDevice from a WebGPU `GPU` object (navigator.gpu in browsers and
// Deno; in Node, one a user creates, e.g. `create([])` of the `webgpu` package).
// The library never imports a WebGPU implementation: it only takes the object.
import { BackendError } from '../../core/errors.js';
import type { GpuEntry } from './entry.js';

export type { GpuEntry } from './entry.js';

export interface GpuOptions {
  /** The WebGPU entry point; defaults to globalThis.navigator.gpu. */
  gpu?: GpuEntry;
  powerPreference?: GPUPowerPreference;
}

export interface AcquiredDevice {
  device: GPUDevice;
  /** A readable name for the adapter ("llvmpipe", a vendor and architecture, ...). */
  adapterName: string;
}

/** The limits worth raising to the adapter's maximum: big tensors and the GEMM's workgroup memory. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
] as const;

export function defaultGpu(): GpuEntry | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GpuEntry } }).navigator;
  return nav?.gpu;
}

export async function acquireDevice(opts: GpuOptions = {}): Promise<AcquiredDevice> {
  const gpu = (opts.gpu ?? defaultGpu()) as GPU | undefined;
  if (!gpu || typeof gpu.requestAdapter !== 'function') {
    throw new BackendError("init: WebGPU is not available: pass { gpu } (navigator.gpu in a browser or Deno; in Node, create([]) from the 'webgpu' package)");
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference });
  } catch (e) {
    throw new BackendError(`init: requestAdapter failed: ${(e as Error).message}`);
  }
  if (!adapter) {
    throw new BackendError(
      'init: no WebGPU adapter: requestAdapter() returned null (no GPU or driver; in Node on Linux, install a Vulkan driver such as Mesa lavapipe)',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const k of RAISED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits });
  } catch (e) {
    throw new BackendError(`init: requestDevice failed: ${(e as Error).message}`);
  }
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  const adapterName = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  return { device, adapterName };
}
