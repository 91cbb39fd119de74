// Exports of the pool kernel family (see assembly/README.md).
import { maxpoolForward, maxpoolBackward } from "./maxpool";
import { avgpoolForward, avgpoolBackward } from "./avgpool";

export function f32_maxpool2d(desc: usize, x: usize, y: usize, idx: usize): void {
  maxpoolForward(desc, x, y, idx);
}

export function f32_maxpool2d_backward(desc: usize, dy: usize, idx: usize, dx: usize): void {
  maxpoolBackward(desc, dy, idx, dx);
}

export function f32_avgpool2d(desc: usize, countIncludePad: i32, x: usize, y: usize): void {
  avgpoolForward(desc, countIncludePad, x, y);
}

export function f32_avgpool2d_backward(desc: usize, countIncludePad: i32, dy: usize, dx: usize): void {
  avgpoolBackward(desc, countIncludePad, dy, dx);
}
