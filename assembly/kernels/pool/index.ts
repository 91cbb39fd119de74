// Exports of the pool kernel family (see assembly/README.md).
export {};
