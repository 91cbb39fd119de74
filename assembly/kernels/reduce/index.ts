// Exports of the reduce kernel family (see assembly/README.md, "Reductions and softmax").
export { f32_reduce_sum, f32_reduce_max, f32_reduce_min, f32_reduce_prod } from "./basic";
export { f32_argmax, f32_argmin } from "./arg";
export { f32_softmax, f32_log_softmax, f32_logsumexp } from "./softmax";
