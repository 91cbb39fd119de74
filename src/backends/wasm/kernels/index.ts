// Registers every wasm kernel (importing this module is enough).
import './elementwise.js';
import './reduce.js';
import './linalg.js';
