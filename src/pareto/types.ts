// The shapes every Pareto function shares. Objectives are rows of numbers, one row per candidate,
// one column per objective, every objective minimised. A row may be a plain array or a typed array.

/** One candidate's objective values (all minimised). */
export type ObjectiveRow = ArrayLike<number>;

/** One row per candidate; every row has the same number of columns. */
export type Objectives = readonly ObjectiveRow[];

/** What NSGA-II keeps about a population: its fronts, each candidate's rank and crowding. */
export interface Ranking {
  /** Non-dominated fronts, best first; each lists candidate indices in ascending order. */
  fronts: number[][];
  /** rank[i]: the index of the front holding candidate i (0 is the non-dominated front). */
  rank: Int32Array;
  /** crowding[i]: candidate i's crowding distance within its front (Infinity at the boundaries). */
  crowding: Float64Array;
}
