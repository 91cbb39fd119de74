// Gradient rules of matmul, convolutions and pooling. Each backward op is a
// public, differentiable op, so these have derivatives of every order.
import { defineGrad } from '../../engine/tape.js';
import type { Tensor } from '../../engine/tensor.js';
import { gt, mul } from '../../ops/binary.js';
import { cast } from '../../ops/cast.js';
import { conv2d, conv2dBackwardWeight, convTranspose2d } from '../../ops/conv.js';
import { gather } from '../../ops/indexing.js';
import { matmul } from '../../ops/linalg.js';
import { avgPool2d, avgPool2dBackward, maxPool2dBackward } from '../../ops/pool.js';
import { sum } from '../../ops/reduce.js';
import { reshape, transpose } from '../../ops/views.js';

defineGrad('matmul', ({ g, inputs: [a, b], needs }) => [
  needs[0] ? matmul(g, transpose(b!, -1, -2)) : null,
  needs[1] ? matmul(transpose(a!, -1, -2), g) : null,
]);

/** The outputPadding that makes conv_transpose give back exactly `size`. */
function outputPadding(size: number, outSize: number, k: number, s: number, p: number, d: number): number {
  return size - ((outSize - 1) * s - 2 * p + d * (k - 1) + 1);
}

defineGrad('conv2d', ({ g, inputs: [x, w], inputShapes, attrs, needs }) => {
  const [, , H, W] = inputShapes[0];
  const [, , kH, kW] = inputShapes[1];
  const { stride, padding, dilation, groups } = attrs;
  const outputPad: [number, number] = [
    outputPadding(H, g.shape[2], kH, stride[0], padding[0], dilation[0]),
    outputPadding(W, g.shape[3], kW, stride[1], padding[1], dilation[1]),
  ];
  return [
    needs[0] ? convTranspose2d(g, w!, { stride, padding, dilation, groups, outputPadding: outputPad }) : null,
    needs[1] ? conv2dBackwardWeight(x!, g, inputShapes[1], { stride, padding, dilation, groups }) : null,
    needs[2] ? sum(g, [0, 2, 3]) : null,
  ];
});

// y = convT(u, w): du = conv2d(g, w), dw = weightGrad(g, u)
defineGrad('conv2dBackwardInput', ({ g, inputs: [u, w], inputShapes, attrs, needs }) => {
  const { stride, padding, dilation, groups } = attrs;
  return [
    needs[0] ? conv2d(g, w!, { stride, padding, dilation, groups }) : null,
    needs[1] ? conv2dBackwardWeight(g, u!, inputShapes[1], { stride, padding, dilation, groups }) : null,
  ];
});

// dw = weightGrad(x, u): dx = convT(u, g), du = conv2d(x, g)
defineGrad('conv2dBackwardWeight', ({ g, inputs: [x, u], inputShapes, attrs, needs }) => {
  const { stride, padding, dilation, groups } = attrs;
  const [, , H, W] = inputShapes[0];
  const [kH, kW] = [g.shape[2], g.shape[3]];
  const outputPad: [number, number] = [
    outputPadding(H, u!.shape[2], kH, stride[0], padding[0], dilation[0]),
    outputPadding(W, u!.shape[3], kW, stride[1], padding[1], dilation[1]),
  ];
  return [
    needs[0] ? convTranspose2d(u!, g, { stride, padding, dilation, groups, outputPadding: outputPad }) : null,
    needs[1] ? conv2d(x!, g, { stride, padding, dilation, groups }) : null,
  ];
});

defineGrad('maxPool2d', {
  saveInputs: [1],
  rule: ({ g, inputs: [, idx], inputShapes }) => [maxPool2dBackward(g, idx!, inputShapes[0]), null],
});
// The adjoint of scattering by index is gathering by the same index.
defineGrad('maxPool2dBackward', {
  saveInputs: [1],
  rule: ({ g, inputs: [, idx] }) => {
    const [N, C, H, W] = g.shape;
    const [, , OH, OW] = idx!.shape;
    const flat = gather(reshape(g, [N * C, H * W]), 1, reshape(idx!, [N * C, OH * OW]));
    return [reshape(flat, [N, C, OH, OW]), null];
  },
});
defineGrad('avgPool2d', { saveInputs: false, rule: ({ g, inputShapes, attrs }) => [avgPool2dBackward(g, inputShapes[0], attrs as never)] });
defineGrad('avgPool2dBackward', { saveInputs: false, rule: ({ g, attrs }) => [avgPool2d(g, attrs as never)] });

// y = x W^T + b for a 2-D x: dx = g W, dW = g^T x, db = sum_rows g.
const linearGrads = (g: Tensor, x: Tensor, w: Tensor, needs: boolean[]) => [
  needs[0] ? matmul(g, w) : null,
  needs[1] ? matmul(transpose(g), x) : null,
  needs[2] ? sum(g, 0) : null,
];
defineGrad('linear', ({ g, inputs: [x, w], needs }) => linearGrads(g, x!, w!, needs));
// y = relu(x W^T + b), fused: the ReLU's mask (y > 0) comes from the output.
defineGrad('linearRelu', {
  saveOutput: true,
  rule: ({ g, inputs: [x, w], output: y, needs }) => linearGrads(mul(g, cast(gt(y!, 0), g.dtype)), x!, w!, needs),
});
