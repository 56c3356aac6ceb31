// Seeded random objective sets for the Pareto tests: continuous values, coarse integer values
// (many ties) and copied rows (duplicates), so every test sees all three.

import { createRng, type Rng } from '../../src/util/rng.ts';

export type Style = 'continuous' | 'coarse' | 'duplicates';
export const STYLES: readonly Style[] = ['continuous', 'coarse', 'duplicates'];

export function randomObjectives(rng: Rng, n: number, m: number, style: Style): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (style === 'duplicates' && i > 0 && rng.next() < 0.3) {
      rows.push([...(rows[rng.int(i)] as number[])]);
      continue;
    }
    const row: number[] = [];
    for (let j = 0; j < m; j++) row.push(style === 'coarse' ? rng.int(4) : rng.uniform(-1, 1));
    rows.push(row);
  }
  return rows;
}

/** A loop over seeds, sizes, objective counts and styles, each case with its own seed number. */
export function* cases(count: number, maxN: number, ms: readonly number[]): Generator<{ seed: number; rows: number[][]; m: number }> {
  for (let seed = 1; seed <= count; seed++) {
    const rng = createRng(seed);
    const m = ms[rng.int(ms.length)] as number;
    const style = STYLES[rng.int(STYLES.length)] as Style;
    const n = rng.int(maxN + 1);
    yield { seed, m, rows: randomObjectives(rng, n, m, style) };
  }
}
