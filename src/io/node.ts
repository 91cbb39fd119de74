// Reading and writing safetensors files on disk (Node.js). node:fs is imported
// through a specifier built at run time, so browser bundles do not pull it in.
import { BackendError } from '../core/errors.js';
import { type LoadedSafetensors, loadSafetensors, type StateDict, saveSafetensors } from './safetensors.js';

async function nodeFs(op: string): Promise<typeof import('node:fs/promises')> {
  const name = ['node:fs', 'promises'].join('/');
  try {
    return (await import(/* @vite-ignore */ name)) as typeof import('node:fs/promises');
  } catch {
    throw new BackendError(`${op}: needs Node.js (node:fs); in a browser use saveSafetensors/loadSafetensors on bytes`);
  }
}

/** Writes `stateDict` (and `metadata`) to `path` as a safetensors file. */
export async function saveSafetensorsFile(path: string | URL, stateDict: StateDict, metadata?: Record<string, string>): Promise<void> {
  const fs = await nodeFs('io.saveSafetensorsFile');
  const bytes = await saveSafetensors(stateDict, metadata);
  await fs.writeFile(path, bytes);
}

/**
 * Loads a safetensors file from `path` (see `loadSafetensors`). File-system
 * errors (ENOENT, EACCES, ...) are Node's own.
 */
export async function loadSafetensorsFile(path: string | URL): Promise<LoadedSafetensors> {
  const fs = await nodeFs('io.loadSafetensorsFile');
  return loadSafetensors(await fs.readFile(path));
}
