// Min-max normalisation of objective columns. The bounds come from the valid rows only, so a
// penalised (invalid) candidate cannot stretch the scale the valid ones are compared on; the same
// affine map is then applied to every row, which puts invalid rows (whose penalties exceed every
// valid value, docs/tasks.md) above 1. Keeping bounds apart from their use lets a caller fix them,
// for example to compare hypervolumes across generations on one scale.

import { checkMask, checkObjectives } from './errors.ts';
import type { Objectives } from './types.ts';

/** Per-column lower and upper bounds. */
export interface ColumnBounds {
  lo: number[];
  hi: number[];
}

/**
 * The minimum and maximum of each column over the rows where `valid` is true (all rows when
 * omitted). With no such row the bounds are empty arrays.
 */
export function columnBounds(objectives: Objectives, valid?: ArrayLike<boolean>): ColumnBounds {
  const m = checkObjectives(objectives);
  if (valid !== undefined) checkMask(valid, objectives.length);
  const lo = new Array<number>(m).fill(Infinity);
  const hi = new Array<number>(m).fill(-Infinity);
  let any = false;
  objectives.forEach((row, i) => {
    if (valid !== undefined && !valid[i]) return;
    any = true;
    for (let j = 0; j < m; j++) {
      const v = row[j] as number;
      if (v < (lo[j] as number)) lo[j] = v;
      if (v > (hi[j] as number)) hi[j] = v;
    }
  });
  return any ? { lo, hi } : { lo: [], hi: [] };
}

/**
 * Each value mapped to (v - lo) / (hi - lo) for its column; a column with hi == lo is only shifted
 * (v - lo), so its valid rows map to 0. Empty bounds (no valid row) leave the values as they are.
 */
export function normaliseWith(objectives: Objectives, bounds: ColumnBounds): number[][] {
  const m = checkObjectives(objectives);
  if (bounds.lo.length === 0) return objectives.map((row) => Array.from(row));
  return objectives.map((row) => {
    const out = new Array<number>(m);
    for (let j = 0; j < m; j++) {
      const lo = bounds.lo[j] as number;
      const span = (bounds.hi[j] as number) - lo;
      out[j] = ((row[j] as number) - lo) / (span > 0 ? span : 1);
    }
    return out;
  });
}

/** normaliseWith(objectives, columnBounds(objectives, valid)): valid rows land in [0, 1]. */
export function normaliseObjectives(objectives: Objectives, valid?: ArrayLike<boolean>): number[][] {
  return normaliseWith(objectives, columnBounds(objectives, valid));
}
