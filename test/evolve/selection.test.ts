// Selection rules of a generation (src/evolve/generation.ts): constrained domination by the
// validation loss, and lineage elites.
import { describe, expect, it } from 'vitest';
import { feasibleFirst, withLineageElites } from '../../src/evolve/generation.ts';
import type { Member } from '../../src/evolve/state.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { nonDominatedSort, rankAndCrowding } from '../../src/pareto/index.ts';

describe('feasibleFirst', () => {
  it('ranks every row whose validation loss is not below the limit after every row whose loss is', () => {
    // A cheap genome that learned nothing (loss 1.2) would be on the front by its costs alone.
    const rows = [[0.3, 0.4, 20, 8], [1.2, 0.8, 3, 0], [0.5, 0.6, 10, 4], [1.0, 0.9, 2, 0]];
    expect(nonDominatedSort(rows)[0]).toEqual([0, 1, 2, 3]);
    const fronts = nonDominatedSort(feasibleFirst(rows, 1));
    expect(fronts[0]).toEqual([0, 2]);
    expect(fronts.flat().indexOf(1)).toBeGreaterThan(1);
    expect(fronts.flat().indexOf(3)).toBeGreaterThan(1);
    // Among themselves the infeasible keep their order: the cheaper of the two is not dominated.
    expect(fronts[1]).toEqual([1, 3]);
  });

  it('is the identity at limit 0, and leaves feasible rows untouched', () => {
    const rows = [[2, 2, 1, 1], [0.5, 0.5, 1, 1]];
    expect(feasibleFirst(rows, 0)).toBe(rows);
    expect(feasibleFirst(rows, 1)[1]).toBe(rows[1]);
  });
});

describe('withLineageElites', () => {
  const genome = seedByName('sgd').build();
  const member = (id: number, origin: string): Member => ({ id, genome, origin, made: 'mutation' });

  it('adds the best valid member of each lineage not among the elites, by rank then crowding', () => {
    const population = [member(0, 'a'), member(1, 'b'), member(2, 'b'), member(3, 'c'), member(4, 'c'), member(5, 'd')];
    // Valid: all but member 5 (lineage d has no valid member).
    const validAt = [0, 1, 2, 3, 4];
    const rows = [[0.1, 0.1, 1, 1], [0.2, 0.3, 1, 1], [0.3, 0.2, 1, 1], [0.5, 0.5, 2, 2], [0.4, 0.6, 2, 2]];
    const ranking = rankAndCrowding(rows);
    const elites = withLineageElites([0], population, validAt, ranking);
    // a is covered by elite 0; b: members 1 and 2 are on the same front, the more isolated wins;
    // c: member 4 and 3 on the same later front (neither dominates); d has nothing valid.
    expect(elites).toContain(0);
    expect(elites.filter((i) => i === 1 || i === 2)).toHaveLength(1);
    expect(elites.filter((i) => i === 3 || i === 4)).toHaveLength(1);
    expect(elites).not.toContain(5);
    expect(elites).toHaveLength(3);
    expect([...elites].sort((x, y) => x - y)).toEqual(elites);
    const rank = (i: number): number => ranking.rank[validAt.indexOf(i)] as number;
    const crowd = (i: number): number => ranking.crowding[validAt.indexOf(i)] as number;
    const b = elites.find((i) => i === 1 || i === 2) as number;
    const other = b === 1 ? 2 : 1;
    expect(rank(b) < rank(other) || (rank(b) === rank(other) && crowd(b) >= crowd(other))).toBe(true);
  });
});
