// Exports of the elementwise kernel family (see assembly/README.md).
export {};
