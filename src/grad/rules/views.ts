// Gradient rules of the movement and copy ops.
import { defineGrad } from '../../engine/tape.js';
import { zeros } from '../../ops/creation.js';
import { gather, indexAdd, indexSelect, scatterAdd } from '../../ops/indexing.js';
import { sliceScatterRange } from '../../ops/join.js';
import { narrow, permute, reshape, slice, sliceShape } from '../../ops/views.js';

const NONE = { saveInputs: false };

defineGrad('reshape', { ...NONE, rule: ({ g, inputShapes }) => [reshape(g, inputShapes[0])] });
defineGrad('permute', {
  ...NONE,
  rule: ({ g, attrs }) => {
    const inv: number[] = [];
    (attrs.axes as number[]).forEach((a, i) => (inv[a] = i));
    return [permute(g, inv)];
  },
});
// The engine sums the broadcast dims away.
defineGrad('expand', { ...NONE, rule: ({ g }) => [g] });
defineGrad('cast', { ...NONE, rule: ({ g }) => [g] });
defineGrad('clone', { ...NONE, rule: ({ g }) => [g] });
defineGrad('slice', {
  ...NONE,
  rule: ({ g, inputShapes, attrs }) => [sliceScatterRange(zeros(inputShapes[0], { dtype: g.dtype }), g, attrs.range)],
});
defineGrad('pad', { ...NONE, rule: ({ g, attrs }) => [slice(g, attrs.range.start, attrs.range.end, attrs.range.step)] });
defineGrad('sliceScatter', {
  ...NONE,
  rule: ({ g, attrs, needs }) => [
    needs[0] ? sliceScatterRange(g, zeros(sliceShape(attrs.range), { dtype: g.dtype }), attrs.range) : null,
    needs[1] ? slice(g, attrs.range.start, attrs.range.end, attrs.range.step) : null,
  ],
});
defineGrad('concat', {
  ...NONE,
  rule: ({ g, attrs }) => {
    let at = 0;
    return (attrs.sizes as number[]).map((s) => {
      const piece = narrow(g, attrs.axis, at, s);
      at += s;
      return piece;
    });
  },
});

defineGrad('gather', {
  saveInputs: [1],
  rule: ({ g, inputs: [, index], inputShapes, attrs }) => [scatterAdd(zeros(inputShapes[0], { dtype: g.dtype }), attrs.axis, index!, g)],
});
defineGrad('scatterAdd', {
  saveInputs: [1],
  rule: ({ g, inputs: [, index], inputShapes, attrs, needs }) => {
    let dsrc = needs[2] ? gather(g, attrs.axis, index!) : null;
    const srcShape = inputShapes[2];
    if (dsrc?.shape.some((d, i) => d !== srcShape[i])) {
      // The index covers only part of src; the rest of src gets no gradient.
      const range = { start: srcShape.map(() => 0), end: [...dsrc.shape], step: srcShape.map(() => 1) };
      dsrc = sliceScatterRange(zeros(srcShape, { dtype: g.dtype }), dsrc, range);
    }
    return [g, null, dsrc];
  },
});
defineGrad('indexSelect', {
  saveInputs: [1],
  rule: ({ g, inputs: [, index], inputShapes, attrs }) => [indexAdd(zeros(inputShapes[0], { dtype: g.dtype }), attrs.axis, index!, g)],
});
defineGrad('indexAdd', {
  saveInputs: [1],
  rule: ({ g, inputs: [, index], attrs, needs }) => [g, null, needs[2] ? indexSelect(g, attrs.axis, index!) : null],
});
