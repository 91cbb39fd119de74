// The exports of the wasmgrad kernel module. See assembly/README.md for the ABI.
export function heapBase(): usize { return __heap_base; }

export * from "./kernels/elementwise/index";
export * from "./kernels/reduce/index";
export * from "./kernels/gemm/index";
export * from "./kernels/conv/index";
export * from "./kernels/pool/index";
