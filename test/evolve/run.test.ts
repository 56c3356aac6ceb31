// An evolution run end to end on a small configuration (src/evolve/): the run directory, the
// reports, reproducibility, exact resumption after a failure, and the pool against an in-thread
// evaluator.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { resolveConfig, type EvolveConfig } from '../../src/evolve/config.ts';
import { evolve, inThreadEvaluator } from '../../src/evolve/evolve.ts';
import { readCheckpoint, readMetrics } from '../../src/evolve/rundir.ts';
import type { Evaluator } from '../../src/evolve/state.ts';
import { InstanceCache } from '../../src/tasks/evaluate.ts';

const small = (seed = 3): EvolveConfig => resolveConfig({
  population: 30,
  generations: 4,
  curriculum: {
    tasks: [{ task: 'quadratic' }, { task: 'linreg-8' }, { task: 'rosenbrock', prerequisites: ['quadratic'] }],
    steps: { min: 10, max: 20 },
    tasksPerGeneration: 2,
    heldOut: ['quadratic-split'],
  },
}, { seed });

let engine: Engine;
const cache = new InstanceCache();
const inThread: Evaluator = (candidates, plan) => inThreadEvaluator(engine, cache)(candidates, plan);
const dir = (): string => mkdtempSync(join(tmpdir(), 'l2l-evolve-'));
/** Metrics lines without what depends on timing. */
const lines = (out: string): unknown[] => readMetrics(out).map(({ evaluationsPerSecond: _, ...rest }) => rest);

describe('evolve', () => {
  beforeAll(async () => {
    engine = await Engine.create();
  });

  it('runs generations, writes the run directory and keeps evolved genomes', async () => {
    const out = dir();
    const { state, final: last } = await evolve({ config: small() }, { out, evaluator: inThread });
    expect(state.generation).toBe(4);
    expect(readdirSync(out).sort()).toEqual(['checkpoint.msgpack', 'checkpoint.prev.msgpack', 'config.json', 'final-front.json', 'fronts', 'metrics.jsonl']);
    expect(readdirSync(join(out, 'fronts'))).toHaveLength(4);
    const metrics = readMetrics(out);
    expect(metrics.map((m) => m.generation)).toEqual([0, 1, 2, 3]);
    for (const m of metrics) {
      expect(m.hypervolume).toBeGreaterThan(0);
      expect(m.frontSize).toBeGreaterThan(0);
      expect(m.species.reduce((a, s) => a + s.size, 0)).toBe(30);
      expect(m.tasks.length).toBe(2);
    }
    expect(metrics[0]?.tasks).toEqual(['quadratic', 'linreg-8']);
    // Reports on generation 0 and the last (config.report.every is 10): the front on the fixed
    // report plan, and at the first, the seeds' own hypervolume there.
    expect(metrics.map((m) => m.report !== null)).toEqual([true, false, false, true]);
    expect(metrics[0]?.report?.seeds).toBeGreaterThan(0);
    expect(metrics[3]?.report?.hypervolume).toBeGreaterThan(0);
    const final = last as NonNullable<typeof last>;
    expect(final.reportHypervolume).toMatchObject({ first: { generation: 0 }, last: { generation: 3, hypervolume: metrics[3]?.report?.hypervolume } });
    // Survivors carry their lifetime record: ranked, per task, by their mean over the generations they lived.
    expect(Math.max(...state.population.flatMap((m) => Object.values(m.record ?? {}).map((r) => r.count)))).toBeGreaterThanOrEqual(2);
    expect(state.population.some((m) => m.made !== 'seed')).toBe(true);
    expect(final.members.length).toBeGreaterThan(0);
    expect(final.members.every((m) => m.heldOut !== null && m.heldOut.tasks[0]?.task === 'quadratic-split')).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as EvolveConfig;
    expect(config.population).toBe(30);
  });

  it('gives the same run for the same seed, another for another seed', async () => {
    const [a, b, c] = [dir(), dir(), dir()];
    await evolve({ config: small(3) }, { out: a, evaluator: inThread });
    await evolve({ config: small(3) }, { out: b, evaluator: inThread });
    await evolve({ config: small(4) }, { out: c, evaluator: inThread });
    expect(lines(a)).toEqual(lines(b));
    expect(lines(a)).not.toEqual(lines(c));
  });

  it('resumes from its checkpoint exactly as if it had not stopped', async () => {
    const whole = dir();
    await evolve({ config: small() }, { out: whole, evaluator: inThread });
    const broken = dir();
    const failing: Evaluator = async (candidates, plan) => {
      if (plan.generation === 2) throw new Error('the machine went away');
      return inThread(candidates, plan);
    };
    await expect(evolve({ config: small() }, { out: broken, evaluator: failing })).rejects.toThrow('the machine went away');
    expect(readCheckpoint(broken).state.generation).toBe(2);
    await evolve({ resume: {} }, { out: broken, evaluator: inThread });
    expect(lines(broken)).toEqual(lines(whole));
    expect(readCheckpoint(broken).state).toEqual(readCheckpoint(whole).state);
  });

  it('can select with novelty as a fifth objective, keeping an archive of novel genomes', async () => {
    const [plain, novel] = [dir(), dir()];
    await evolve({ config: small() }, { out: plain, evaluator: inThread });
    await evolve({ config: { ...small(), novelty: true } }, { out: novel, evaluator: inThread });
    expect(readCheckpoint(plain).state.novelty.descriptors).toHaveLength(0);
    expect(readCheckpoint(novel).state.novelty.descriptors.length).toBeGreaterThan(0);
    expect(lines(novel)).not.toEqual(lines(plain));
  });

  it('gives the pool\'s 2 workers the same run as one thread', async () => {
    const [a, b] = [dir(), dir()];
    const config = { ...small(), generations: 2, workers: 2 };
    await evolve({ config }, { out: a });
    await evolve({ config }, { out: b, evaluator: inThread });
    expect(lines(a)).toEqual(lines(b));
  }, 60_000);
});
