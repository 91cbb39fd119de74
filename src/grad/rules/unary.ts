// Gradient rules of the elementwise unary ops, written with public ops only,
// so that they can be differentiated again.
import { defineGrad } from '../../engine/tape.js';
import type { Tensor } from '../../engine/tensor.js';
import { add, div, ge, gt, le, mul, sub, where } from '../../ops/binary.js';
import { cast } from '../../ops/cast.js';
import { zerosLike } from '../../ops/creation.js';
import { cos, erf, exp, neg, sigmoid, sign, sin, square } from '../../ops/unary.js';

const mask = (m: Tensor, like: Tensor) => cast(m, like.dtype);
const OUT = { saveInputs: false, saveOutput: true };
const zero = () => ({ rule: ({ g }: { g: Tensor }) => [zerosLike(g)], saveInputs: false });

defineGrad('copy', { rule: ({ g }) => [g], saveInputs: false });
defineGrad('neg', { rule: ({ g }) => [neg(g)], saveInputs: false });
defineGrad('exp', { ...OUT, rule: ({ g, output }) => [mul(g, output!)] });
defineGrad('log', ({ g, inputs: [x] }) => [div(g, x!)]);
defineGrad('sqrt', { ...OUT, rule: ({ g, output }) => [div(mul(g, 0.5), output!)] });
// d/dx x^(-1/2) = -1/2 x^(-3/2) = -1/2 y^3
defineGrad('rsqrt', { ...OUT, rule: ({ g, output: y }) => [mul(g, mul(mul(square(y!), y!), -0.5))] });
// NOTE: sign(0) = 0, so the gradient of |x| at 0 is 0, as in PyTorch.
defineGrad('abs', ({ g, inputs: [x] }) => [mul(g, sign(x!))]);
defineGrad('sign', zero());
defineGrad('floor', zero());
defineGrad('ceil', zero());
defineGrad('round', zero());
defineGrad('tanh', { ...OUT, rule: ({ g, output: y }) => [mul(g, sub(1, square(y!)))] });
defineGrad('sigmoid', { ...OUT, rule: ({ g, output: y }) => [mul(g, mul(y!, sub(1, y!)))] });
// NOTE: the mask is x > 0, so relu'(0) = 0, as in PyTorch.
defineGrad('relu', { ...OUT, rule: ({ g, output: y }) => [mul(g, mask(gt(y!, 0), g))] });
defineGrad('leakyRelu', ({ g, inputs: [x], attrs }) => [where(gt(x!, 0), g, mul(g, attrs.p0))]);
defineGrad('elu', ({ g, inputs: [x], attrs }) => [where(gt(x!, 0), g, mul(g, mul(exp(x!), attrs.p0)))]);
// d/dx x Phi(x) = Phi(x) + x phi(x)
defineGrad('gelu', ({ g, inputs: [x] }) => {
  const cdf = mul(add(erf(mul(x!, Math.SQRT1_2)), 1), 0.5);
  const pdf = mul(exp(mul(square(x!), -0.5)), 1 / Math.sqrt(2 * Math.PI));
  return [mul(g, add(cdf, mul(x!, pdf)))];
});
defineGrad('softplus', ({ g, inputs: [x], attrs }) => {
  const bx = mul(x!, attrs.p0);
  return [where(gt(bx, attrs.p1), g, mul(g, sigmoid(bx)))];
});
defineGrad('sin', ({ g, inputs: [x] }) => [mul(g, cos(x!))]);
defineGrad('cos', ({ g, inputs: [x] }) => [neg(mul(g, sin(x!)))]);
defineGrad('square', ({ g, inputs: [x] }) => [mul(g, mul(x!, 2))]);
defineGrad('reciprocal', { ...OUT, rule: ({ g, output: y }) => [neg(mul(g, square(y!)))] });
// The gradient passes where min <= x <= max (both ends included), as in PyTorch.
defineGrad('clamp', ({ g, inputs: [x], attrs }) => [mul(g, mask(mul(ge(x!, attrs.p0), le(x!, attrs.p1)), g))]);
defineGrad('erf', ({ g, inputs: [x] }) => [mul(g, mul(exp(neg(square(x!))), 2 / Math.sqrt(Math.PI)))]);
defineGrad('expm1', { ...OUT, rule: ({ g, output: y }) => [mul(g, add(y!, 1))] });
defineGrad('log1p', ({ g, inputs: [x] }) => [div(g, add(x!, 1))]);
