// Exports of the conv kernel family (see assembly/README.md).
export {};
