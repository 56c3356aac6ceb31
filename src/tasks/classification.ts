// Two-dimensional classification data sets drawn from a seed (docs/tasks.md). Targets are one-hot;
// sample s belongs to class s mod C, so the classes are balanced and interleaved, and the first 80%
// of the samples are the training split.
//
//   spirals  two interleaved spirals (Lang and Witbrock, "Learning to tell two spirals apart",
//            1988): class c at radius r = sqrt(u), angle 4 pi r + c pi, u ~ U(0, 1), plus N(0, 0.05^2)
//            per coordinate
//   circles  two concentric circles, radius 0.5 (class 0) and 1 (class 1), angle ~ U(0, 2 pi),
//            plus N(0, 0.1^2) per coordinate
//   blobs    three Gaussian blobs, centres ~ U(-3, 3)^2, standard deviation 0.7

import { gaussian } from '../optimizer/problems.ts';
import { createRng, type Rng } from '../util/rng.ts';
import { splitAt, VALIDATION_SHARE, type Splits } from './data.ts';
import type { Dataset } from './types.ts';
import { cos, sin } from '../util/math.ts';

export const CLASSIFICATION_SETS = ['spirals', 'circles', 'blobs'] as const;
export type ClassificationSet = (typeof CLASSIFICATION_SETS)[number];

export const CLASSIFICATION_SAMPLES = 400;
const CLASSES: Record<ClassificationSet, number> = { spirals: 2, circles: 2, blobs: 3 };

type Point = (rng: Rng, label: number) => [number, number];

function spiralPoint(rng: Rng, label: number): [number, number] {
  const r = Math.sqrt(rng.next());
  const angle = 4 * Math.PI * r + label * Math.PI;
  return [r * cos(angle) + 0.05 * gaussian(rng), r * sin(angle) + 0.05 * gaussian(rng)];
}

function circlePoint(rng: Rng, label: number): [number, number] {
  const r = label === 0 ? 0.5 : 1;
  const angle = 2 * Math.PI * rng.next();
  return [r * cos(angle) + 0.1 * gaussian(rng), r * sin(angle) + 0.1 * gaussian(rng)];
}

function blobPoints(rng: Rng, classes: number): Point {
  const centres = Array.from({ length: classes }, () => [rng.uniform(-3, 3), rng.uniform(-3, 3)] as const);
  return (r, label) => {
    const [cx, cy] = centres[label] as readonly [number, number];
    return [cx + 0.7 * gaussian(r), cy + 0.7 * gaussian(r)];
  };
}

/** The number of classes of a data set. */
export function classCount(set: ClassificationSet): number {
  return CLASSES[set];
}

/**
 * The classification data of `seed`: the set named, or, when `set` is undefined, one drawn from
 * the seed (the stream's first draw).
 */
export function classificationData(seed: number, set?: ClassificationSet): Splits & { set: ClassificationSet } {
  const rng = createRng(seed);
  const drawn = CLASSIFICATION_SETS[rng.int(CLASSIFICATION_SETS.length)] as ClassificationSet;
  const chosen = set ?? drawn;
  const classes = CLASSES[chosen];
  const point: Point = chosen === 'spirals' ? spiralPoint : chosen === 'circles' ? circlePoint : blobPoints(rng, classes);
  const n = CLASSIFICATION_SAMPLES;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n * classes);
  for (let s = 0; s < n; s++) {
    const label = s % classes;
    const [px, py] = point(rng, label);
    x[2 * s] = px;
    x[2 * s + 1] = py;
    y[s * classes + label] = 1;
  }
  const data: Dataset = { count: n, features: 2, targets: classes, x, y };
  return { ...splitAt(data, n - Math.floor(n * VALIDATION_SHARE)), set: chosen };
}
