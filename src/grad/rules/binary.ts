// Gradient rules of the binary elementwise ops and `where`. Gradients keep the
// broadcast shape; the engine sums them down to each input's shape.
import { defineGrad } from '../../engine/tape.js';
import type { Tensor } from '../../engine/tensor.js';
import { add, div, eq, ge, gt, lt, mul, pow, sub, where } from '../../ops/binary.js';
import { cast } from '../../ops/cast.js';
import { log, neg, square } from '../../ops/unary.js';

const f = (m: Tensor, like: Tensor) => cast(m, like.dtype);

defineGrad('add', { rule: ({ g }) => [g, g], saveInputs: false });
defineGrad('sub', { rule: ({ g, needs }) => [g, needs[1] ? neg(g) : null], saveInputs: false });
defineGrad('mul', ({ g, inputs: [a, b], needs }) => [needs[0] ? mul(g, b!) : null, needs[1] ? mul(g, a!) : null]);
defineGrad('div', ({ g, inputs: [a, b], needs }) => [needs[0] ? div(g, b!) : null, needs[1] ? neg(div(mul(g, a!), square(b!))) : null]);
defineGrad('pow', {
  saveOutput: true,
  rule: ({ g, inputs: [a, b], output: y, needs }) => [
    // b a^(b-1), defined as 0 where b == 0 (so 0^0 does not give 0 * inf), as in PyTorch.
    needs[0] ? where(eq(b!, 0), 0, mul(g, mul(b!, pow(a!, sub(b!, 1))))) : null,
    // a^b log a, defined as 0 where a == 0 and b >= 0, as in PyTorch.
    needs[1] ? where(mul(eq(a!, 0), ge(b!, 0)), 0, mul(g, mul(y!, log(a!)))) : null,
  ],
});
// NOTE: where a == b the gradient is split in half between a and b, as in PyTorch.
defineGrad('maximum', ({ g, inputs: [a, b], needs }) => {
  const half = mul(g, mul(f(eq(a!, b!), g), 0.5));
  return [needs[0] ? add(mul(g, f(gt(a!, b!), g)), half) : null, needs[1] ? add(mul(g, f(lt(a!, b!), g)), half) : null];
});
defineGrad('minimum', ({ g, inputs: [a, b], needs }) => {
  const half = mul(g, mul(f(eq(a!, b!), g), 0.5));
  return [needs[0] ? add(mul(g, f(lt(a!, b!), g)), half) : null, needs[1] ? add(mul(g, f(gt(a!, b!), g)), half) : null];
});
defineGrad('where', {
  saveInputs: [0],
  rule: ({ g, inputs: [c], needs }) => [null, needs[1] ? where(c!, g, 0) : null, needs[2] ? where(c!, 0, g) : null],
});
