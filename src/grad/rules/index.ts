// Registers every gradient rule (importing this module is enough).
import './unary.js';
import './binary.js';
import './reduce.js';
import './views.js';
import './linalg.js';
import './linalg-decomp.js';
