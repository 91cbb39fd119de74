// 2-D max and average pooling (NCHW, contiguous inputs) and their backward
// passes. Forward: a thread per output. Max backward: a thread per plane adds
// dy at the recorded indices in output order (no two threads touch a plane,
// so no float atomics are needed). Avg backward: a thread per input element
// gathers from the windows that cover it, in the reference's order.
import type { Backend } from '../../../engine/backend.js';
import { type Attrs, registerKernel } from '../../../engine/registry.js';
import type { Tensor } from '../../../engine/tensor.js';
import { buf, type WebGpuBackend } from '../backend.js';
import { grid, main1d, Params, PRELUDE, wgslType } from '../wgsl.js';

/** [planes, H, W, OH, OW, kH, kW, sH, sW, pH, pW, dH, dW] from input and output shapes. */
function geom(x: readonly number[], y: readonly number[], a: Attrs): number[] {
  const d = a.dilation ?? [1, 1];
  return [x[0] * x[1], x[2], x[3], y[2], y[3], a.kernelSize[0], a.kernelSize[1], a.stride[0], a.stride[1], a.padding[0], a.padding[1], d[0], d[1]];
}

const GEOM = `let planes = P(1u); let H = P(2u); let W = P(3u); let OH = P(4u); let OW = P(5u); let kH = P(6u); let kW = P(7u);
  let sH = P(8u); let sW = P(9u); let pH = P(10u); let pW = P(11u); let dH = P(12u); let dW = P(13u);`;

function maxPool2d(b: Backend, [x]: Tensor[], [y, idx]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('maxPool2d', [x, y]);
  if (y.size === 0) return;
  const t = wgslType(x.dtype);
  const lowest = t === 'f32' ? '-inf_f()' : 'i32(-2147483647) - 1';
  const p = new Params()
    .int(y.size)
    .ints(geom(x.shape, y.shape, attrs))
    .int(x.offset, y.offset, idx.offset);
  be.run({
    key: `maxpool|${t}`,
    code: (u) => `@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read_write> y: array<${t}>;
@group(0) @binding(2) var<storage, read_write> ix: array<i32>;
${u}
${PRELUDE}
${main1d()}
  if (gid >= PU(0u)) { return; }
  ${GEOM}
  let o = i32(gid); let ow = o % OW; let oh = (o / OW) % OH; let pl = o / (OW * OH);
  var best: ${t} = ${lowest};
  var bi = -1;
  for (var kh = 0; kh < kH; kh++) {
    let h = oh * sH - pH + kh * dH;
    if (h < 0 || h >= H) { continue; }
    for (var kw = 0; kw < kW; kw++) {
      let w = ow * sW - pW + kw * dW;
      if (w < 0 || w >= W) { continue; }
      let v = x[P(14u) + (pl * H + h) * W + w];
      // PyTorch's rule: the first maximum wins, and every NaN takes over.
      if (bi < 0 || v > best${t === 'f32' ? ' || is_nan(v)' : ''}) { best = v; bi = h * W + w; }
    }
  }
  y[P(15u) + o] = best;
  ix[P(16u) + o] = bi;
}`,
    reads: [buf(x)],
    writes: [buf(y), buf(idx)],
    params: p.build(),
    workgroups: grid(y.size),
  });
}

function maxPool2dBackward(b: Backend, [dy, idx]: Tensor[], [dx]: Tensor[]): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('maxPool2dBackward', [dy, dx]);
  if (dx.size === 0) return;
  const t = wgslType(dx.dtype);
  const planes = dx.shape[0] * dx.shape[1];
  const p = new Params().int(planes, dx.shape[2] * dx.shape[3], dy.shape[2] * dy.shape[3], dy.offset, idx.offset, dx.offset);
  be.run({
    key: `maxpool-bwd|${t}`,
    code: (u) => `@group(0) @binding(0) var<storage, read> dy: array<${t}>;
@group(0) @binding(1) var<storage, read> ix: array<i32>;
@group(0) @binding(2) var<storage, read_write> dx: array<${t}>;
${u}
${PRELUDE}
${main1d(64)}
  let pl = i32(gid);
  if (pl >= P(0u)) { return; }
  let plane = P(1u); let oplane = P(2u);
  let base = P(5u) + pl * plane;
  for (var i = 0; i < plane; i++) { dx[base + i] = ${t}(0); }
  for (var o = 0; o < oplane; o++) {
    let k = ix[P(4u) + pl * oplane + o];
    if (k >= 0) { dx[base + k] += dy[P(3u) + pl * oplane + o]; }
  }
}`,
    reads: [buf(dy), buf(idx)],
    writes: [buf(dx)],
    params: p.build(),
    workgroups: grid(planes, 64),
  });
}

function avgPool2d(b: Backend, [x]: Tensor[], [y]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('avgPool2d', [x, y]);
  if (y.size === 0) return;
  const p = new Params()
    .int(y.size)
    .ints(geom(x.shape, y.shape, attrs))
    .int(x.offset, y.offset, attrs.countIncludePad ? 1 : 0);
  be.run({
    key: 'avgpool',
    code: (u) => `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
${u}
${PRELUDE}
${main1d()}
  if (gid >= PU(0u)) { return; }
  ${GEOM}
  let o = i32(gid); let ow = o % OW; let oh = (o / OW) % OH; let pl = o / (OW * OH);
  var s = 0.0;
  var count = 0;
  for (var kh = 0; kh < kH; kh++) {
    let h = oh * sH - pH + kh;
    if (h < 0 || h >= H) { continue; }
    for (var kw = 0; kw < kW; kw++) {
      let w = ow * sW - pW + kw;
      if (w < 0 || w >= W) { continue; }
      s += x[P(14u) + (pl * H + h) * W + w];
      count++;
    }
  }
  y[P(15u) + o] = s / f32(select(count, kH * kW, P(16u) != 0));
}`,
    reads: [buf(x)],
    writes: [buf(y)],
    params: p.build(),
    workgroups: grid(y.size),
  });
}

function avgPool2dBackward(b: Backend, [dy]: Tensor[], [dx]: Tensor[], attrs: Attrs): void {
  const be = b as WebGpuBackend;
  be.checkDTypes('avgPool2dBackward', [dy, dx]);
  if (dx.size === 0) return;
  const p = new Params()
    .int(dx.size)
    .ints(geom(dx.shape, dy.shape, attrs))
    .int(dy.offset, dx.offset, attrs.countIncludePad ? 1 : 0);
  be.run({
    key: 'avgpool-bwd',
    code: (u) => `@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
${u}
${PRELUDE}
${main1d()}
  if (gid >= PU(0u)) { return; }
  ${GEOM}
  let i = i32(gid); let w = i % W; let h = (i / W) % H; let pl = i / (W * H);
  // Windows covering (h, w): oh * sH - pH <= h <= oh * sH - pH + kH - 1.
  let lh = h + pH - kH + 1; let lw = w + pW - kW + 1;
  let oh0 = select((lh + sH - 1) / sH, 0, lh <= 0); let oh1 = min((h + pH) / sH, OH - 1);
  let ow0 = select((lw + sW - 1) / sW, 0, lw <= 0); let ow1 = min((w + pW) / sW, OW - 1);
  var acc = 0.0;
  for (var oh = oh0; oh <= oh1; oh++) {
    let hs = oh * sH - pH;
    let ch = min(hs + kH, H) - max(hs, 0);
    for (var ow = ow0; ow <= ow1; ow++) {
      let ws = ow * sW - pW;
      let div = select((min(ws + kW, W) - max(ws, 0)) * ch, kH * kW, P(16u) != 0);
      acc += dy[P(14u) + (pl * OH + oh) * OW + ow] / f32(div);
    }
  }
  dx[P(15u) + i] = acc;
}`,
    reads: [buf(dy)],
    writes: [buf(dx)],
    params: p.build(),
    workgroups: grid(dx.size),
  });
}

export function registerPool(): void {
  registerKernel('webgpu', 'maxPool2d', maxPool2d);
  registerKernel('webgpu', 'maxPool2dBackward', maxPool2dBackward);
  registerKernel('webgpu', 'avgPool2d', avgPool2d);
  registerKernel('webgpu', 'avgPool2dBackward', avgPool2dBackward);
}
