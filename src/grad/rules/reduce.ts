// Gradient rules of the reductions and the softmax family. A reduction's
// output may have dropped its reduced dims; attrs.keepShape is the keepdim
// shape, to which g (and the output) reshape to broadcast back.
import { defineGrad } from '../../engine/tape.js';
import { div, eq, mul, sub } from '../../ops/binary.js';
import { cast } from '../../ops/cast.js';
import { sum } from '../../ops/reduce.js';
import { exp } from '../../ops/unary.js';
import { broadcastTo, reshape } from '../../ops/views.js';

defineGrad('sum', { rule: ({ g, inputShapes, attrs }) => [broadcastTo(reshape(g, attrs.keepShape), inputShapes[0])], saveInputs: false });

// NOTE: ties share the gradient evenly (like torch.amax/amin): g * [x == y] / count.
const extremum = {
  saveOutput: true,
  rule: ({ g, inputs: [x], output: y, attrs }: import('../../engine/tape.js').GradContext) => {
    const m = cast(eq(x!, reshape(y!, attrs.keepShape)), g.dtype);
    return [mul(reshape(g, attrs.keepShape), div(m, sum(m, attrs.axes, true)))];
  },
};
defineGrad('max', extremum);
defineGrad('min', extremum);

defineGrad('logsumexp', {
  saveOutput: true,
  rule: ({ g, inputs: [x], output: y, attrs }) => [mul(reshape(g, attrs.keepShape), exp(sub(x!, reshape(y!, attrs.keepShape))))],
});
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
