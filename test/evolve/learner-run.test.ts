// An evolution run of learners (config role `learner`, docs/learner.md, Evolution): the defaults
// of the role, the refusal of tasks of the other role, a small run end to end with its run
// directory, held-out table and exact resume, and the pool's workers against one thread.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { DEFAULT_LEARNER_CONFIG, resolveConfig, type EvolveConfig } from '../../src/evolve/config.ts';
import { evolve, inThreadEvaluator } from '../../src/evolve/evolve.ts';
import { readCheckpoint, readMetrics } from '../../src/evolve/rundir.ts';
import type { Evaluator } from '../../src/evolve/state.ts';
import { LEARNER_SEEDS } from '../../src/learner/index.ts';
import { InstanceCache } from '../../src/tasks/evaluate.ts';

const small = (seed = 3): EvolveConfig => resolveConfig({
  population: 24,
  generations: 3,
  curriculum: { tasks: [{ task: 'bandit' }, { task: 'tmaze' }, { task: 'association' }], tasksPerGeneration: 2, heldOut: ['reversal', 'rule:dms'] },
  species: { targetSpecies: 4 },
}, { seed, role: 'learner' });

let engine: Engine;
const cache = new InstanceCache();
const inThread: Evaluator = (candidates, plan) => inThreadEvaluator(engine, cache)(candidates, plan);
const dir = (): string => mkdtempSync(join(tmpdir(), 'l2l-learners-'));
const lines = (out: string): unknown[] => readMetrics(out).map(({ evaluationsPerSecond: _, ...rest }) => rest);

describe('the learner role\'s configuration', () => {
  it('has its own defaults, chosen by --role or the file\'s role', () => {
    expect(resolveConfig({}, { role: 'learner' })).toEqual({ ...DEFAULT_LEARNER_CONFIG, workers: resolveConfig({}, { role: 'learner' }).workers });
    expect(resolveConfig({ role: 'learner' }).curriculum.tasks.map((t) => t.task)).toEqual(['bandit', 'tmaze', 'rules', 'association', 'familiarity']);
    expect(resolveConfig({}).role).toBe('optimizer');
  });

  it('refuses tasks of the other role and a role the file contradicts, naming the field', () => {
    expect(() => resolveConfig({ curriculum: { tasks: [{ task: 'quadratic' }] } }, { role: 'learner' }))
      .toThrow('curriculum.tasks[0].task must be a learner task (role is learner; docs/tasks.md, docs/learner.md) (got "quadratic")');
    expect(() => resolveConfig({ curriculum: { heldOut: ['bandit'] } }))
      .toThrow('curriculum.heldOut[0] must be an optimizer task (role is optimizer; docs/tasks.md, docs/learner.md) (got "bandit")');
    expect(() => resolveConfig({ role: 'optimizer' }, { role: 'learner' })).toThrow('--role must agree with the config file\'s role (optimizer)');
    expect(() => resolveConfig({ role: 'teacher' })).toThrow('role must be one of optimizer, learner (got "teacher")');
  });
});

describe('evolving learners', () => {
  beforeAll(async () => {
    engine = await Engine.create();
  });

  it('runs from the learner seeds, writes the run directory and the held-out table', async () => {
    const out = dir();
    const { state, final } = await evolve({ config: small() }, { out, evaluator: inThread });
    expect(state.generation).toBe(3);
    const seeds = state.population.filter((m) => m.made === 'seed').map((m) => m.origin);
    expect(seeds.every((s) => LEARNER_SEEDS.some((l) => l.name === s))).toBe(true);
    expect(state.population.every((m) => m.genome.coding !== undefined && (m.scale ?? 0) === 0)).toBe(true);
    const metrics = readMetrics(out);
    expect(metrics.map((m) => m.generation)).toEqual([0, 1, 2]);
    // The floor and the rules that learn from observations alone fail the learning check.
    expect(metrics[0]?.invalid.non_learner).toBeGreaterThanOrEqual(3);
    expect(metrics.every((m) => m.frontSize > 0 && m.hypervolume > 0)).toBe(true);
    const last = final as NonNullable<typeof final>;
    expect(last.table?.tasks.map((t) => t.task)).toEqual(['reversal', 'rule:dms']);
    expect(last.baseline?.map((b) => b.name)).toEqual(LEARNER_SEEDS.map((s) => s.name));
    expect(last.members.every((m) => m.heldOut !== null)).toBe(true);
    expect(readCheckpoint(out).config.role).toBe('learner');
  }, 60_000);

  it('resumes exactly and gives the pool\'s workers the same run as one thread', async () => {
    const whole = dir();
    await evolve({ config: small(5) }, { out: whole, evaluator: inThread });
    const broken = dir();
    const failing: Evaluator = async (candidates, plan) => {
      if (plan.generation === 2) throw new Error('the machine went away');
      return inThread(candidates, plan);
    };
    await expect(evolve({ config: small(5) }, { out: broken, evaluator: failing })).rejects.toThrow('the machine went away');
    await evolve({ resume: {} }, { out: broken, evaluator: inThread });
    expect(lines(broken)).toEqual(lines(whole));
    const pooled = dir();
    await evolve({ config: { ...small(5), workers: 2 } }, { out: pooled });
    expect(lines(pooled)).toEqual(lines(whole));
  }, 120_000);
});
