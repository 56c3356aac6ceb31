// Input checks shared by the Pareto functions. Each names the offending value and the rule, in the
// style of src/util/errors.ts; the rule texts live here so tests can match them exactly.

import { InputError, rules } from '../util/errors.ts';
import type { Objectives } from './types.ts';

export const paretoRules = {
  columns: (m: number) => `must have ${m} objectives, as row 0 does`,
  nonEmptyRow: 'must have at least one objective',
  referenceLength: (m: number) => `must have ${m} values, one per objective`,
  count: (n: number) => `must be an integer from 0 to ${n} (the number of candidates)`,
  maskLength: (n: number) => `must have one entry per candidate (${n})`,
  notEmpty: 'must not be empty',
  index: (n: number) => `must be an integer from 0 to ${n - 1}`,
  positiveInteger: 'must be a positive integer',
  nonNegativeInteger: 'must be a non-negative integer',
  nonNegative: 'must be a non-negative finite number',
  sameLength: (m: number) => `must have ${m} values, as the other descriptors do`,
} as const;

/**
 * Checks that every row has the same number (at least 1) of finite values and returns that number
 * (0 for no rows). `field` names the argument in the error.
 */
export function checkObjectives(objectives: Objectives, field = 'objectives'): number {
  const first = objectives[0];
  if (first === undefined) return 0;
  const m = first.length;
  if (m < 1) throw new InputError(`${field}[0]`, paretoRules.nonEmptyRow);
  for (let i = 0; i < objectives.length; i++) {
    const row = objectives[i] as ArrayLike<number>;
    if (row.length !== m) throw new InputError(`${field}[${i}]`, paretoRules.columns(m), row.length);
    for (let j = 0; j < m; j++) {
      const v = row[j] as number;
      if (!Number.isFinite(v)) throw new InputError(`${field}[${i}][${j}]`, rules.finite, v);
    }
  }
  return m;
}

/** Checks that a validity mask has one entry per candidate. */
export function checkMask(valid: ArrayLike<boolean>, n: number, field = 'valid'): void {
  if (valid.length !== n) throw new InputError(field, paretoRules.maskLength(n), valid.length);
}
