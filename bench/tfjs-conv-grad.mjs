// tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter kernel, so
// tfjs-layers cannot train a convolution on it at all ("Kernel
// 'Conv2DBackpropFilter' not registered for backend 'wasm'"). To still compare
// CNN training with tfjs-wasm, this replaces Conv2D's gradient with one built
// from kernels the backend has: the filter gradient of a stride-1 convolution is
// itself a convolution (of the input, batch and channels swapped, with the
// output gradient as the filter), and the input gradient is conv2dTranspose.
export function patchConvGradient(tf) {
  const has = tf.getKernelsForBackend('wasm').some((k) => k.kernelName === 'Conv2DBackpropFilter');
  if (has) return false;
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const { strides, pad, dilations } = attrs;
      const s = Array.isArray(strides) ? strides : [strides, strides];
      const d = Array.isArray(dilations) ? dilations : [dilations ?? 1, dilations ?? 1];
      if (s[0] !== 1 || s[1] !== 1 || d[0] !== 1 || d[1] !== 1 || attrs.dataFormat === 'NCHW') {
        throw new Error('bench shim: only stride-1, undilated NHWC convolutions are supported');
      }
      const [kh, kw] = filter.shape;
      return {
        x: () => tf.conv2dTranspose(dy, filter, x.shape, 1, pad),
        filter: () => {
          let xp = x;
          if (pad === 'same') {
            const [th, tw] = [kh - 1, kw - 1];
            xp = tf.pad(x, [
              [0, 0],
              [Math.floor(th / 2), th - Math.floor(th / 2)],
              [Math.floor(tw / 2), tw - Math.floor(tw / 2)],
              [0, 0],
            ]);
          } else if (pad !== 'valid') throw new Error(`bench shim: padding '${pad}' is not supported`);
          const xs = tf.transpose(xp, [3, 1, 2, 0]); // [C, Hp, Wp, N]
          const f = tf.transpose(dy, [1, 2, 0, 3]); // [OH, OW, N, Co]
          return tf.transpose(tf.conv2d(xs, f, 1, 'valid'), [1, 2, 0, 3]); // [kh, kw, C, Co]
        },
      };
    },
  });
  return true;
}
