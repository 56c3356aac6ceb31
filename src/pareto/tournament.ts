// Binary tournament with the crowded-comparison operator of Deb et al., "A fast and elitist
// multiobjective genetic algorithm: NSGA-II", IEEE Trans. Evolutionary Computation 6(2), 2002,
// section III-B: of two candidates drawn at random, the one of lower rank wins; between equal ranks,
// the one of larger crowding distance. A full tie goes to the first drawn (itself a random choice).

import { InputError } from '../util/errors.ts';
import type { Rng } from '../util/rng.ts';
import { paretoRules } from './errors.ts';

/** What a tournament reads: rank (lower is better) and crowding distance (larger is better). */
export interface RankAndCrowding {
  rank: ArrayLike<number>;
  crowding: ArrayLike<number>;
}

/** Whether candidate `a` beats `b` under the crowded-comparison operator (strictly). */
export function crowdedBetter(r: RankAndCrowding, a: number, b: number): boolean {
  const ra = r.rank[a] as number;
  const rb = r.rank[b] as number;
  if (ra !== rb) return ra < rb;
  return (r.crowding[a] as number) > (r.crowding[b] as number);
}

/**
 * The winner of one binary tournament among `pool` (candidate indices; all candidates when
 * omitted). The two contestants are distinct when the pool has two or more members.
 */
export function binaryTournament(r: RankAndCrowding, rng: Rng, pool?: readonly number[]): number {
  const n = pool === undefined ? r.rank.length : pool.length;
  if (n === 0) throw new InputError(pool === undefined ? 'rank' : 'pool', paretoRules.notEmpty);
  const first = rng.int(n);
  let second = first;
  if (n > 1) {
    second = rng.int(n - 1);
    if (second >= first) second++;
  }
  const a = pool === undefined ? first : (pool[first] as number);
  const b = pool === undefined ? second : (pool[second] as number);
  for (const i of [a, b]) {
    if (!Number.isInteger(i) || i < 0 || i >= r.rank.length) throw new InputError('pool', paretoRules.index(r.rank.length), i);
  }
  return crowdedBetter(r, b, a) ? b : a;
}

/** `count` independent tournament winners, drawn in order from `rng`. */
export function tournamentSelect(r: RankAndCrowding, count: number, rng: Rng, pool?: readonly number[]): number[] {
  if (!Number.isInteger(count) || count < 0) throw new InputError('count', paretoRules.nonNegativeInteger, count);
  return Array.from({ length: count }, () => binaryTournament(r, rng, pool));
}
