// The error classes wasmgrad throws. Every message names the op and, where
// shapes are involved, the shapes: `matmul: inner dimensions differ: [2,3] @ [4,5]`.

/** Base class of every error wasmgrad throws on purpose. */
export class WasmgradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together (broadcasting, matmul, reshape, ...). */
export class ShapeError extends WasmgradError {}

/** A dtype the op does not accept, or operands whose dtypes cannot be combined. */
export class DTypeError extends WasmgradError {}

/** A bad argument value: an axis out of range, a negative size, an unknown option. */
export class ArgumentError extends WasmgradError {}

/** A tensor was used after `dispose()` (or after the scope that owned it ended). */
export class DisposedError extends WasmgradError {}

/** More memory was asked for than the backend can give. */
export class OutOfMemoryError extends WasmgradError {}

/** A backend is missing, not initialised, or cannot run the request. */
export class BackendError extends WasmgradError {}
