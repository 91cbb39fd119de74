// The error a malformed or unsupported safetensors file raises.
import { WasmgradError } from '../core/errors.js';

/**
 * A safetensors file that cannot be read: truncated, a bad header, offsets that
 * do not tile the data buffer, an unknown or unsupported dtype, a value that does
 * not fit the wasmgrad dtype. Messages start with `io:` and name the tensor.
 */
export class SafetensorsError extends WasmgradError {}

/** True for a string without lone UTF-16 surrogates (it encodes to UTF-8 and back unchanged). */
export function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** A name or value quoted for an error message, cut short when long. */
export function quote(s: string): string {
  const q = JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
  return `'${q.slice(1, -1)}'`;
}
