// A scalar fitness for NEAT's species allocation (K. O. Stanley and R. Miikkulainen, "Evolving
// neural networks through augmenting topologies", Evolutionary Computation 10(2), 2002), which
// shares offspring in proportion to fitness, built from NSGA-II's Pareto rank (Deb et al. 2002).
//
// Over the valid candidates only (invalid ones are left out of the sort and of every
// normalisation):
//
//   score_i    = rank_i + composite_i          lower is better, in [0, fronts]
//   composite_i = mean over objectives j of (f_ij - lo_j) / (hi_j - lo_j)     in [0, 1]
//   fitness_i  = (fronts + 1 - score_i) / (fronts + 1)                       in (0, 1]
//
// with lo_j and hi_j the column's minimum and maximum over valid candidates (a constant column adds
// 0) and `fronts` the number of fronts among them. The rank dominates: a member of front r never
// scores worse than a member of front r + 1 (a composite of 0 means the minimum in every column,
// which only a front-0 member can have), and the composite orders candidates within a front.
// Invalid candidates get rank = fronts, score = Infinity and fitness = 0, worse than every valid one.

import { checkMask, checkObjectives } from './errors.ts';
import { normaliseObjectives } from './normalise.ts';
import { nonDominatedSort } from './sort.ts';
import type { Objectives } from './types.ts';

export interface SpeciesFitness {
  /** Pareto rank among the valid candidates; invalid ones get the number of valid fronts. */
  rank: Int32Array;
  /** rank + composite; lower is better; Infinity for invalid candidates. */
  score: Float64Array;
  /** Higher is better: in (0, 1] for valid candidates, 0 for invalid ones. */
  fitness: Float64Array;
}

/**
 * Rank, score and fitness of each candidate; `valid[i]` false marks candidate i invalid. `fronts`,
 * when the caller has sorted already, are nonDominatedSort of the valid rows (indices into them).
 */
export function speciesFitness(objectives: Objectives, valid: ArrayLike<boolean>, fronts?: readonly (readonly number[])[]): SpeciesFitness {
  const m = checkObjectives(objectives);
  const n = objectives.length;
  checkMask(valid, n);
  const validIndex: number[] = [];
  for (let i = 0; i < n; i++) if (valid[i]) validIndex.push(i);
  const validRows = validIndex.map((i) => objectives[i] as ArrayLike<number>);
  fronts ??= nonDominatedSort(validRows);
  const normalised = normaliseObjectives(validRows);

  const rank = new Int32Array(n).fill(fronts.length);
  const score = new Float64Array(n).fill(Infinity);
  const fitness = new Float64Array(n);
  fronts.forEach((front, r) => {
    for (const k of front) {
      const i = validIndex[k] as number;
      const row = normalised[k] as number[];
      let sum = 0;
      for (let j = 0; j < m; j++) sum += row[j] as number;
      rank[i] = r;
      score[i] = r + sum / m;
      fitness[i] = (fronts.length + 1 - (score[i] as number)) / (fronts.length + 1);
    }
  });
  return { rank, score, fitness };
}
