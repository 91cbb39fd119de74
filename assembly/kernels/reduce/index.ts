// Exports of the reduce kernel family (see assembly/README.md).
export {};
