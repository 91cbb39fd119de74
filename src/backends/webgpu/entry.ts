// The one WebGPU type in wasmgrad's public API, kept apart from the modules
// that use the DOM's WebGPU types so that consumers need no DOM library.

/**
 * What wasmgrad needs of a WebGPU `GPU` object (navigator.gpu, or `create([])`
 * of the `webgpu` package), typed structurally.
 */
export interface GpuEntry {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<unknown>;
}
