// The exports of the wasmgrad kernel module. See assembly/README.md for the ABI.
export function heapBase(): usize { return __heap_base; }

export * from "./kernels/gemm/index";
