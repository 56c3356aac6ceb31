// The curriculum (src/evolve/curriculum.ts): steps per generation, growing data, sampling of the
// unlocked tasks, the skill tree, held-out tasks, and the checks of a curriculum.

import { describe, expect, it } from 'vitest';
import { advance, horizonAt, checkCurriculum, initialState, planGeneration, type CurriculumConfig } from '../../src/evolve/curriculum.ts';
import { createRng } from '../../src/util/rng.ts';

const curriculum: CurriculumConfig = {
  tasks: [
    { task: 'quadratic', prerequisites: [] },
    { task: 'linreg-8', prerequisites: [] },
    { task: 'rosenbrock', prerequisites: ['quadratic'] },
    { task: 'regression', prerequisites: ['linreg-8', 'quadratic'] },
  ],
  steps: { min: 20, max: 60 },
  tasksPerGeneration: 2,
  horizon: { start: 1, growth: 1 },
  unlock: { share: 0.5, score: 0.5 },
  data: { start: 0.25, growth: 1.5 },
  heldOut: ['iris'],
};

describe('curriculum', () => {
  it('draws one step count per generation within the range, and grows the data share to 1', () => {
    const state = initialState(curriculum);
    const plans = Array.from({ length: 60 }, (_, g) => planGeneration(curriculum, state, g, createRng(g)));
    for (const p of plans) {
      expect(p.steps).toBeGreaterThanOrEqual(20);
      expect(p.steps).toBeLessThanOrEqual(60);
      expect(p.heldOut).toEqual(['iris']);
    }
    expect(new Set(plans.map((p) => p.steps)).size).toBeGreaterThan(10);
    expect(plans.map((p) => p.dataShare).slice(0, 5)).toEqual([0.25, 0.375, 0.5625, 0.84375, 1]);
    expect(planGeneration(curriculum, state, 7, createRng(7))).toEqual(planGeneration(curriculum, state, 7, createRng(7)));
  });

  it('scales the drawn steps by a horizon that grows to 1', () => {
    const growing = { ...curriculum, horizon: { start: 0.5, growth: 1.1 } };
    const state = initialState(growing);
    expect(horizonAt(growing, 0)).toBe(0.5);
    expect(horizonAt(growing, 100)).toBe(1);
    for (let g = 0; g < 30; g++) {
      const full = planGeneration(curriculum, state, g, createRng(g)).steps;
      expect(planGeneration(growing, state, g, createRng(g)).steps).toBe(Math.max(2, Math.round(full * Math.min(1, 0.5 * 1.1 ** g))));
    }
  });

  it('samples only unlocked tasks, as many as asked', () => {
    const state = initialState(curriculum);
    expect(state.unlocked).toEqual(['quadratic', 'linreg-8']);
    for (let g = 0; g < 20; g++) expect(planGeneration(curriculum, state, g, createRng(g)).tasks).toEqual(['quadratic', 'linreg-8']);
    const all = { unlocked: ['quadratic', 'linreg-8', 'rosenbrock', 'regression'], mastered: [] };
    const seen = new Set<string>();
    for (let g = 0; g < 50; g++) {
      const p = planGeneration(curriculum, all, g, createRng(100 + g));
      expect(p.tasks).toHaveLength(2);
      p.tasks.forEach((t) => seen.add(t));
    }
    expect([...seen].sort()).toEqual(['linreg-8', 'quadratic', 'regression', 'rosenbrock']);
  });

  it('unlocks a task once enough genomes master each of its prerequisites', () => {
    let state = initialState(curriculum);
    // Two genomes of six at 0.5 or better on quadratic: not enough (the other two were invalid).
    let r = advance(curriculum, state, { quadratic: [0.9, 0.5, 0.49, 0.1] }, 6);
    expect(r.unlockedNow).toEqual([]);
    state = r.state;
    r = advance(curriculum, state, { quadratic: [0.9, 0.6, 0.5], 'linreg-8': [0.2] }, 6);
    expect(r.unlockedNow).toEqual(['rosenbrock']);
    expect(r.state.mastered).toEqual(['quadratic']);
    state = r.state;
    // regression needs linreg-8 too; mastery seen in an earlier generation counts.
    r = advance(curriculum, state, { 'linreg-8': [0.7, 0.8, 0.9] }, 6);
    expect(r.unlockedNow).toEqual(['regression']);
    expect(r.state.unlocked).toEqual(['quadratic', 'linreg-8', 'rosenbrock', 'regression']);
  });

  // Each value's own range is the config schema's (test/evolve/config.test.ts); these are the relations.
  it('refuses curricula it cannot run, naming the field and the rule', () => {
    const bad = (patch: Partial<CurriculumConfig>): (() => void) => () => checkCurriculum({ ...curriculum, ...patch });
    expect(bad({ tasks: [{ task: 'a', prerequisites: [] }, { task: 'a', prerequisites: [] }] })).toThrow('curriculum.tasks[1].task must be unique (got "a")');
    expect(bad({ tasks: [{ task: 'a', prerequisites: ['b'] }] })).toThrow('curriculum.tasks[0].prerequisites[0] must name a task of the curriculum (got "b")');
    expect(bad({ tasks: [{ task: 'a', prerequisites: [] }, { task: 'b', prerequisites: ['c'] }, { task: 'c', prerequisites: ['b'] }] })).toThrow('curriculum.tasks must not have prerequisites in a cycle (got "b, c")');
    expect(bad({ steps: { min: 10, max: 5 } })).toThrow('curriculum.steps.max must be at least curriculum.steps.min (10) (got 5)');
    expect(bad({ tasksPerGeneration: 5 })).toThrow('curriculum.tasksPerGeneration must be at most 4 (the number of curriculum.tasks) (got 5)');
    expect(() => checkCurriculum(curriculum)).not.toThrow();
  });
});
