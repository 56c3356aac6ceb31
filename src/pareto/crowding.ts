// Crowding distance, from Deb et al., "A fast and elitist multiobjective genetic algorithm:
// NSGA-II", IEEE Trans. Evolutionary Computation 6(2), 2002, section III-B. Within one front, for
// each objective the members are sorted by that objective; the first and last get an infinite
// distance, and every other member adds the gap between its two neighbours divided by the range of
// the objective over the front. An objective with a zero range over the front adds nothing, not
// even boundaries: which member sits at the end of a constant column is arbitrary (as in pymoo).
//
// Ties: members with equal values are ordered by their row index, so the result is a function of
// the input alone (with duplicates, only one of the tied extremes is a boundary, as in the paper's
// sort-based procedure).

import { InputError } from '../util/errors.ts';
import { checkObjectives, paretoRules } from './errors.ts';
import type { ObjectiveRow, Objectives } from './types.ts';

/**
 * The crowding distance of each member of `front` (row indices into `objectives`); the result is
 * aligned with `front`. Fronts of one or two members are all boundary (Infinity).
 */
export function crowdingDistance(objectives: Objectives, front: readonly number[]): Float64Array {
  const m = checkObjectives(objectives);
  checkIndices(front, objectives.length);
  const size = front.length;
  const distance = new Float64Array(size);
  if (size <= 2) return distance.fill(Infinity);
  const order = Array.from({ length: size }, (_, k) => k);
  for (let j = 0; j < m; j++) {
    const value = (k: number): number => (objectives[front[k] as number] as ObjectiveRow)[j] as number;
    order.sort((a, b) => value(a) - value(b) || (front[a] as number) - (front[b] as number));
    const first = order[0] as number;
    const last = order[size - 1] as number;
    const range = value(last) - value(first);
    if (range === 0) continue;
    distance[first] = Infinity;
    distance[last] = Infinity;
    for (let s = 1; s < size - 1; s++) {
      const k = order[s] as number;
      distance[k] = (distance[k] as number) + (value(order[s + 1] as number) - value(order[s - 1] as number)) / range;
    }
  }
  return distance;
}

/** Crowding distances of every row, each computed within its own front; fronts must cover all rows. */
export function crowdingByFront(objectives: Objectives, fronts: readonly (readonly number[])[]): Float64Array {
  const crowding = new Float64Array(objectives.length).fill(NaN);
  for (const front of fronts) {
    const d = crowdingDistance(objectives, front);
    front.forEach((i, k) => {
      crowding[i] = d[k] as number;
    });
  }
  return crowding;
}

function checkIndices(indices: readonly number[], n: number): void {
  indices.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new InputError(`front[${k}]`, paretoRules.index(n), i);
  });
}
