// The webgpu backend's entry point: starts a device and registers the kernels.
import { WebGpuBackend } from './backend.js';
import { acquireDevice, type GpuOptions } from './device.js';
import './kernels/index.js';

export { WebGpuBackend } from './backend.js';
export type { GpuEntry, GpuOptions } from './device.js';

export async function createWebGpuBackend(opts: GpuOptions = {}): Promise<WebGpuBackend> {
  const { device, adapterName } = await acquireDevice(opts);
  return new WebGpuBackend(device, adapterName);
}
