// Fast non-dominated sorting, from K. Deb, A. Pratap, S. Agarwal and T. Meyarivan, "A fast and
// elitist multiobjective genetic algorithm: NSGA-II", IEEE Trans. Evolutionary Computation 6(2),
// 2002, section III-A. Each pair is compared once (O(M N^2)); every candidate keeps the list of
// those it dominates and the count of those dominating it, and fronts are peeled by decrementing
// the counts. All objectives are minimised.

import { checkObjectives } from './errors.ts';
import type { ObjectiveRow, Objectives } from './types.ts';

/** Whether `a` Pareto-dominates `b`: no worse in every objective and better in at least one. */
export function dominates(a: ObjectiveRow, b: ObjectiveRow): boolean {
  let better = false;
  for (let j = 0; j < a.length; j++) {
    const x = a[j] as number;
    const y = b[j] as number;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** -1 if a dominates b, 1 if b dominates a, 0 if neither (equal rows included). */
function compare(a: ObjectiveRow, b: ObjectiveRow, m: number): number {
  let aBetter = false;
  let bBetter = false;
  for (let j = 0; j < m; j++) {
    const x = a[j] as number;
    const y = b[j] as number;
    if (x < y) aBetter = true;
    else if (y < x) bBetter = true;
    if (aBetter && bBetter) return 0;
  }
  if (aBetter) return -1;
  return bBetter ? 1 : 0;
}

/**
 * The non-dominated fronts of `objectives`, best first, as arrays of row indices in ascending order.
 * Rows that are equal share a front. Every index appears in exactly one front.
 */
export function nonDominatedSort(objectives: Objectives): number[][] {
  const m = checkObjectives(objectives);
  const n = objectives.length;
  const dominated: number[][] = Array.from({ length: n }, () => []);
  const dominatedBy = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const a = objectives[p] as ObjectiveRow;
    for (let q = p + 1; q < n; q++) {
      const c = compare(a, objectives[q] as ObjectiveRow, m);
      if (c < 0) {
        (dominated[p] as number[]).push(q);
        dominatedBy[q] = (dominatedBy[q] as number) + 1;
      } else if (c > 0) {
        (dominated[q] as number[]).push(p);
        dominatedBy[p] = (dominatedBy[p] as number) + 1;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let p = 0; p < n; p++) if (dominatedBy[p] === 0) current.push(p);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const p of current) {
      for (const q of dominated[p] as number[]) {
        const left = (dominatedBy[q] as number) - 1;
        dominatedBy[q] = left;
        if (left === 0) next.push(q);
      }
    }
    next.sort((x, y) => x - y);
    current = next;
  }
  return fronts;
}

/** rank[i] = the index of the front that holds row i, for `n` rows. */
export function frontRanks(fronts: readonly (readonly number[])[], n: number): Int32Array {
  const rank = new Int32Array(n).fill(-1);
  fronts.forEach((front, r) => {
    for (const i of front) rank[i] = r;
  });
  return rank;
}
