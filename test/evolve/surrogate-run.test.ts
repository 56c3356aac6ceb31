// An evolution run with the surrogate on (config key `surrogate`, src/evolve/surrogate.ts): it trains
// every generation, its children (guided, cross-species, filtered) join the population as valid
// genomes with NEAT keys, what it did is in metrics.jsonl, and a run resumed from a checkpoint
// (the surrogate's parameters, Adam's moments and training data inside) is the uninterrupted run.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { resolveConfig, type EvolveConfig } from '../../src/evolve/config.ts';
import { evolve, inThreadEvaluator } from '../../src/evolve/evolve.ts';
import { readCheckpoint, readMetrics } from '../../src/evolve/rundir.ts';
import type { Evaluator } from '../../src/evolve/state.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import { InstanceCache } from '../../src/tasks/evaluate.ts';

const small = (seed = 4): EvolveConfig => resolveConfig({
  population: 40,
  generations: 4,
  // Few elites, so that most of each generation is bred and the surrogate's shares are children.
  lineageGenerations: 0,
  frontElites: 0.1,
  curriculum: { tasks: [{ task: 'quadratic' }, { task: 'linreg-8' }], tasksPerGeneration: 2, steps: { min: 20, max: 20 }, heldOut: [] },
  species: { targetSpecies: 3 },
  surrogate: {
    enabled: true, latent: 8, hidden: 16, edgeHidden: 8, batchSize: 8, stepsPerGeneration: 2, startGeneration: 2,
    guided: 0.2, crossSpecies: 0.2, filtered: 0.2, guidanceSteps: 5,
  },
  report: { every: 0 },
}, { seed });

let engine: Engine;
const cache = new InstanceCache();
const inThread: Evaluator = (candidates, plan) => inThreadEvaluator(engine, cache)(candidates, plan);
const dir = (): string => mkdtempSync(join(tmpdir(), 'l2l-surrogate-'));
// Timings differ between runs; everything else must not.
const lines = (out: string): unknown[] => readMetrics(out).map(({ evaluationsPerSecond: _, surrogate, ...rest }) => ({
  ...rest, surrogate: surrogate === undefined ? null : { ...surrogate, ms: 0 },
}));

describe('a run with the surrogate', () => {
  beforeAll(async () => {
    engine = await Engine.create();
  });

  it('trains each generation and adds its valid children to the population', async () => {
    const out = dir();
    const { state } = await evolve({ config: small() }, { out, evaluator: inThread });
    const metrics = readMetrics(out);
    expect(metrics.every((m) => m.surrogate?.steps === 2 && (m.surrogate?.observed ?? 0) > 0 && Number.isFinite(m.surrogate?.loss))).toBe(true);
    // Generation 1 (bred at the end of generation 0) comes from NEAT alone (startGeneration 2).
    expect(metrics[0]?.surrogate?.children).toEqual({ guided: 0, crossSpecies: 0, filtered: 0 });
    const made = metrics.slice(1).map((m) => m.surrogate?.children);
    expect(made.every((c) => (c?.filtered ?? 0) > 0)).toBe(true);
    const fromSurrogate = state.population.filter((m) => ['guided', 'cross-species', 'filtered'].includes(m.made));
    expect(fromSurrogate.length).toBeGreaterThan(0);
    for (const m of fromSurrogate) {
      expect(parseGenome(m.genome)).toEqual(m.genome);
    }
    const saved = readCheckpoint(out).state.surrogate;
    expect(saved?.steps).toBe(8);
    expect(saved?.examples.length).toBeGreaterThan(40);
  }, 180_000);

  it('resumes exactly, surrogate included', async () => {
    const whole = dir();
    await evolve({ config: small(6) }, { out: whole, evaluator: inThread });
    const broken = dir();
    const failing: Evaluator = async (candidates, plan) => {
      if (plan.generation === 2) throw new Error('the machine went away');
      return inThread(candidates, plan);
    };
    await expect(evolve({ config: small(6) }, { out: broken, evaluator: failing })).rejects.toThrow('the machine went away');
    await evolve({ resume: {} }, { out: broken, evaluator: inThread });
    expect(lines(broken)).toEqual(lines(whole));
    const [a, b] = [readCheckpoint(whole).state, readCheckpoint(broken).state];
    expect(b.surrogate?.params).toEqual(a.surrogate?.params);
    expect(b.surrogate?.adam).toEqual(a.surrogate?.adam);
    expect(b.population).toEqual(a.population);
  }, 240_000);
});
