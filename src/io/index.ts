// wg.io: saving and loading tensors in the safetensors format (huggingface/safetensors).
//   const bytes = await wg.io.saveSafetensors(stateDict, { format: 'pt' });  // Uint8Array
//   const { tensors, metadata } = wg.io.loadSafetensors(bytes);  // metadata: null when the file has none
//   await wg.io.saveSafetensorsFile('model.safetensors', stateDict);       // Node.js
//   const { tensors } = await wg.io.loadSafetensorsFile('model.safetensors');
//   wg.io.readSafetensorsHeader(bytes);  // names, dtypes, shapes, offsets, metadata; no data read
// Files are written as Python's safetensors writes them (byte for byte, metadata keys
// sorted). A malformed or unsupported file raises SafetensorsError (a WasmgradError,
// message `io: ...`); bad arguments raise ArgumentError (DisposedError for a disposed tensor).
export { SafetensorsError } from './errors.js';
export { MAX_HEADER_LENGTH, type SafetensorsHeader, type SafetensorsTensorInfo } from './header.js';
export { loadSafetensorsFile, saveSafetensorsFile } from './node.js';
export { type LoadedSafetensors, loadSafetensors, readSafetensorsHeader, type StateDict, saveSafetensors } from './safetensors.js';
