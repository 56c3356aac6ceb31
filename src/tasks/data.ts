// Synthetic data sets drawn from a seed (docs/tasks.md). Every number comes from the SplitMix32
// stream of src/util/rng.ts, in the order written here, so one seed gives one data set everywhere.
//
//   regression  latent z ~ N(0, I_k), k in 1..10; x = sin(z A) + e, A k x d, d in 1..10;
//               y = tanh(z . b) + e; e ~ N(0, sigma^2), sigma = pi / 10; 100..1000 samples.
//               A and b have N(0, 1/k) entries, so z A and z . b have unit variance whatever k.
//   linreg-8    x ~ N(0, I_8), y = x . w + c + e, w ~ N(0, I_8), c ~ N(0, 1), e ~ N(0, 0.1^2)
//
// Splits: the samples are drawn independently, so the first part is the training split and the
// rest the validation split; nothing is shuffled.

import { gaussian } from '../optimizer/problems.ts';
import { createRng, type Rng } from '../util/rng.ts';
import type { Dataset } from './types.ts';
import { sin, tanh } from '../util/math.ts';

export interface Splits {
  train: Dataset;
  validation: Dataset;
}

/** Rows [from, to) of a data set, copied. */
export function rows(data: Dataset, from: number, to: number): Dataset {
  return {
    count: to - from,
    features: data.features,
    targets: data.targets,
    x: data.x.slice(from * data.features, to * data.features),
    y: data.y.slice(from * data.targets, to * data.targets),
  };
}

/** The first `trainCount` rows for training, the rest for validation. */
export function splitAt(data: Dataset, trainCount: number): Splits {
  return { train: rows(data, 0, trainCount), validation: rows(data, trainCount, data.count) };
}

function gaussians(rng: Rng, n: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * gaussian(rng);
  return out;
}

export const REGRESSION_SIGMA = Math.PI / 10;
export const REGRESSION_LIMITS = { latent: [1, 10], observed: [1, 10], samples: [100, 1000] } as const;
/** The share of samples held out for validation. */
export const VALIDATION_SHARE = 0.2;

export interface RegressionShape {
  latent: number;
  observed: number;
  samples: number;
}

/** The dimensions of the regression problem drawn from `seed` (the first three draws). */
export function regressionShape(rng: Rng): RegressionShape {
  const draw = ([lo, hi]: readonly [number, number]): number => lo + rng.int(hi - lo + 1);
  return {
    latent: draw(REGRESSION_LIMITS.latent),
    observed: draw(REGRESSION_LIMITS.observed),
    samples: draw(REGRESSION_LIMITS.samples),
  };
}

/** The synthetic regression problem of seed `seed`, split into training and validation. */
export function regressionData(seed: number): Splits & { shape: RegressionShape } {
  const rng = createRng(seed);
  const shape = regressionShape(rng);
  const { latent: k, observed: d, samples: n } = shape;
  const scale = 1 / Math.sqrt(k);
  const a = gaussians(rng, k * d, scale); // row-major k x d
  const b = gaussians(rng, k, scale);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  const z = new Float64Array(k);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < k; i++) z[i] = gaussian(rng);
    for (let j = 0; j < d; j++) {
      let u = 0;
      for (let i = 0; i < k; i++) u += (z[i] as number) * (a[i * d + j] as number);
      x[s * d + j] = sin(u) + REGRESSION_SIGMA * gaussian(rng);
    }
    let v = 0;
    for (let i = 0; i < k; i++) v += (z[i] as number) * (b[i] as number);
    y[s] = tanh(v) + REGRESSION_SIGMA * gaussian(rng);
  }
  const data: Dataset = { count: n, features: d, targets: 1, x, y };
  return { ...splitAt(data, n - Math.floor(n * VALIDATION_SHARE)), shape };
}

export const LINREG = { features: 8, train: 256, validation: 64, noise: 0.1 } as const;

/** Linear regression on 8 features: the throughput proxy. */
export function linearData(seed: number): Splits {
  const rng = createRng(seed);
  const f = LINREG.features;
  const w = gaussians(rng, f, 1);
  const c = gaussian(rng);
  const n = LINREG.train + LINREG.validation;
  const x = new Float32Array(n * f);
  const y = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    let v = c;
    for (let j = 0; j < f; j++) {
      const xj = gaussian(rng);
      x[s * f + j] = xj;
      v += xj * (w[j] as number);
    }
    y[s] = v + LINREG.noise * gaussian(rng);
  }
  return splitAt({ count: n, features: f, targets: 1, x, y }, LINREG.train);
}
