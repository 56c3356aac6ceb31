// Rank-and-crowding survival, the elitist replacement of Deb et al., "A fast and elitist
// multiobjective genetic algorithm: NSGA-II", IEEE Trans. Evolutionary Computation 6(2), 2002,
// section III-C: fill the next population with whole fronts, best first; from the first front that
// does not fit, take the members with the largest crowding distance (computed once over that front).

import { InputError } from '../util/errors.ts';
import { crowdingByFront } from './crowding.ts';
import { paretoRules } from './errors.ts';
import { frontRanks, nonDominatedSort } from './sort.ts';
import type { Objectives, Ranking } from './types.ts';

/** Fronts, ranks and crowding distances of `objectives`. */
export function rankAndCrowding(objectives: Objectives): Ranking {
  const fronts = nonDominatedSort(objectives);
  return {
    fronts,
    rank: frontRanks(fronts, objectives.length),
    crowding: crowdingByFront(objectives, fronts),
  };
}

/**
 * The `k` survivors of `objectives`, as row indices: whole fronts in order, then the most crowding-
 * distant members of the front that does not fit (ties broken by the smaller index). The result
 * lists the chosen fronts in order, and the partial front by decreasing crowding distance.
 */
export function survive(objectives: Objectives, k: number): number[] {
  const n = objectives.length;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new InputError('k', paretoRules.count(n), k);
  return surviveRanked(rankAndCrowding(objectives), k);
}

/** survive() over a ranking already computed. */
export function surviveRanked(ranking: Ranking, k: number): number[] {
  const n = ranking.rank.length;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new InputError('k', paretoRules.count(n), k);
  const chosen: number[] = [];
  for (const front of ranking.fronts) {
    const room = k - chosen.length;
    if (room === 0) break;
    if (front.length <= room) {
      for (const i of front) chosen.push(i);
      continue;
    }
    const crowding = ranking.crowding;
    const byCrowding = [...front].sort((a, b) => {
      const ca = crowding[a] as number;
      const cb = crowding[b] as number;
      if (ca === cb) return a - b;
      return ca > cb ? -1 : 1;
    });
    for (const i of byCrowding.slice(0, room)) chosen.push(i);
    break;
  }
  return chosen;
}
