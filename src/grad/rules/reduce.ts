// Gradient rules of the reductions and the softmax family. The forward ops
// record their keepdim-shaped result, so `g` broadcasts straight back.
import { defineGrad } from '../../engine/tape.js';
import { div, eq, mul, sub } from '../../ops/binary.js';
import { cast } from '../../ops/cast.js';
import { sum } from '../../ops/reduce.js';
import { exp } from '../../ops/unary.js';
import { broadcastTo } from '../../ops/views.js';

defineGrad('sum', { rule: ({ g, inputShapes }) => [broadcastTo(g, inputShapes[0])], saveInputs: false });

// NOTE: ties share the gradient evenly (like torch.amax/amin): g * [x == y] / count.
const extremum = {
  saveOutput: true,
  rule: ({ g, inputs: [x], output: y, attrs }: import('../../engine/tape.js').GradContext) => {
    const m = cast(eq(x!, y!), g.dtype);
    return [mul(g, div(m, sum(m, attrs.axes, true)))];
  },
};
defineGrad('max', extremum);
defineGrad('min', extremum);

defineGrad('logsumexp', { saveOutput: true, rule: ({ g, inputs: [x], output: y }) => [mul(g, exp(sub(x!, y!)))] });
// y (g - sum(g y))
defineGrad('softmax', {
  saveInputs: false,
  saveOutput: true,
  rule: ({ g, output: y, attrs }) => [mul(y!, sub(g, sum(mul(g, y!), attrs.axis, true)))],
});
// g - exp(y) sum(g)
defineGrad('logSoftmax', {
  saveInputs: false,
  saveOutput: true,
  rule: ({ g, output: y, attrs }) => [sub(g, mul(exp(y!), sum(g, attrs.axis, true)))],
});
