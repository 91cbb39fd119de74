// Exports of the conv kernel family (see assembly/README.md).
import { conv2dForward, conv2dBackwardInput, conv2dBackwardWeight, conv2dWorkspace } from "./conv2d";

export function f32_conv2d(desc: usize, x: usize, w: usize, bias: usize, y: usize, work: usize): void {
  conv2dForward(desc, x, w, bias, y, work);
}

export function f32_conv2d_backward_input(desc: usize, dy: usize, w: usize, dx: usize, work: usize): void {
  conv2dBackwardInput(desc, dy, w, dx, work);
}

export function f32_conv2d_backward_weight(desc: usize, x: usize, dy: usize, dw: usize, work: usize): void {
  conv2dBackwardWeight(desc, x, dy, dw, work);
}

/** Bytes of `work` valid for all three conv kernels of this descriptor. */
export function f32_conv2d_workspace(desc: usize): i32 {
  return conv2dWorkspace(desc);
}
