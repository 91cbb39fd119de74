// Binarised 8x8 digits for the generative-model chapters (ch16-rbm, ch20-vae):
// the same 80/20 stratified split as examples/digits-cnn.mjs, pixels set to 1
// where the grey level is at least half of 16. Binary data gives both models a
// proper likelihood, so the RBM's exact log-likelihood, the VAE's ELBO and the
// independent-pixels baseline are all in nats per image on the same test set.
import * as wg from 'wasmgrad';

/** { train, test } as float32 [n, 64] tensors of 0 and 1. */
export async function binaryDigits() {
  const digits = await wg.data.loadDigits();
  const x = digits.x.ge(8).float();
  const { train, test } = wg.data.trainTestSplit(x, digits.y, { testSize: 0.2, seed: 0, stratify: digits.y });
  const out = { train: train.tensors[0], test: test.tensors[0] };
  wg.dispose([digits.x, digits.y, x, train.tensors[1], test.tensors[1]]);
  return out;
}

/**
 * The best model that treats pixels as independent: p_j = the training mean
 * of pixel j (smoothed by one pseudo-count each way so that no p_j is 0 or 1).
 * Returns its mean log-likelihood (nats per image) on `data`: the bar that any
 * model which captures how pixels go together should clear.
 */
export function independentLogLik(train, data) {
  return wg.tidy(() => {
    const n = train.shape[0];
    const p = train
      .sum(0)
      .add(1)
      .div(n + 2);
    return data
      .mul(p.log())
      .add(data.neg().add(1).mul(p.neg().add(1).log()))
      .sum(1)
      .mean()
      .item();
  });
}

/** Row i of a [n, 64] tensor as plain arrays, for imageGrid. */
export function rows(t, count = t.shape[0]) {
  const d = t.dataSync();
  const w = t.shape[1];
  return Array.from({ length: count }, (_, i) => Array.from(d.subarray(i * w, (i + 1) * w)));
}
