// The run directory (src/evolve/rundir.ts, lock.ts, checkpoint.ts): one run owns it, every file is
// whole, a run is resumable from the moment its directory exists, and resuming checks everything
// it reads before it computes a generation. Each case here failed on the code before the
// run-safety issue (10): the defect it covers is named in its title.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { resolveConfig, type EvolveConfig } from '../../src/evolve/config.ts';
import { evolve, inThreadEvaluator } from '../../src/evolve/evolve.ts';
import { readCheckpoint, readMetrics } from '../../src/evolve/rundir.ts';
import type { Evaluator } from '../../src/evolve/state.ts';
import { InstanceCache } from '../../src/tasks/evaluate.ts';
import { writeFileAtomic } from '../../src/util/files.ts';

const small = (generations = 3): EvolveConfig => resolveConfig({
  population: 20,
  generations,
  curriculum: { tasks: [{ task: 'quadratic' }], steps: { min: 5, max: 8 }, tasksPerGeneration: 1, heldOut: [] },
  report: { every: 0 },
}, { seed: 7, workers: 1 });

let engine: Engine;
const cache = new InstanceCache();
let evaluations = 0;
const inThread: Evaluator = async (candidates, plan) => {
  evaluations++;
  return inThreadEvaluator(engine, cache)(candidates, plan);
};
/** An evaluator that fails at generation `at`, as a killed run would stop there. */
const failingAt = (at: number): Evaluator => async (candidates, plan) => {
  if (plan.generation === at) throw new Error('killed');
  return inThread(candidates, plan);
};
const base = (): string => mkdtempSync(join(tmpdir(), 'l2l-rundir-'));
/** Every file under `dir` with its bytes. */
const snapshot = (dir: string): Record<string, string> => {
  const files: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) files[join(e.parentPath, e.name)] = readFileSync(join(e.parentPath, e.name)).toString('base64');
  }
  return files;
};
const lines = (dir: string): unknown[] => readMetrics(dir).map(({ evaluationsPerSecond: _, ...rest }) => rest);

let whole: string;

describe('the run directory', () => {
  beforeAll(async () => {
    engine = await Engine.create();
    whole = join(base(), 'run');
    await evolve({ config: small() }, { out: whole, evaluator: inThread });
  });

  it('refuses a fresh run in a folder that is not empty, and changes nothing there (defect 1)', async () => {
    const project = base();
    writeFileSync(join(project, 'config.json'), '{"mine": true}\n');
    await expect(evolve({ config: small() }, { out: project, evaluator: inThread }))
      .rejects.toThrow(`--out must name a new or empty folder: ${JSON.stringify(project)} holds config.json`);
    expect(readFileSync(join(project, 'config.json'), 'utf8')).toBe('{"mine": true}\n');
    expect(readdirSync(project)).toEqual(['config.json']);

    const before = snapshot(whole);
    await expect(evolve({ config: small() }, { out: whole, evaluator: inThread }))
      .rejects.toThrow(`; to continue that run: l2l evolve --resume ${whole}`);
    expect(snapshot(whole)).toEqual(before);
    await expect(evolve({ config: small() }, { out: '', evaluator: inThread })).rejects.toThrow('--out must be a path (got an empty string)');
    await expect(evolve({ config: small() }, { out: '/proc/l2l-run', evaluator: inThread })).rejects.toThrow('--out must be on a storage file system, not the proc pseudo-filesystem');
  });

  it('removes the half-built folder of a fresh run that was killed while making it', async () => {
    const parent = base();
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const left = join(parent, `.run.l2l-new-${dead.pid as number}`);
    mkdirSync(join(left, 'fronts'), { recursive: true });
    await evolve({ config: small(1) }, { out: join(parent, 'run'), evaluator: inThread });
    expect(readdirSync(parent)).toEqual(['run']);
  });

  it('takes an empty folder, and leaves no lock behind when the run ends', async () => {
    const empty = base();
    await evolve({ config: small(1) }, { out: empty, evaluator: inThread });
    expect(readdirSync(empty).sort()).toEqual(['checkpoint.msgpack', 'checkpoint.prev.msgpack', 'config.json', 'final-front.json', 'fronts', 'metrics.jsonl']);
  });

  it('is resumable from the moment it exists: a run killed in generation 0 resumes to the same end (defect 4)', async () => {
    const dir = join(base(), 'run');
    await expect(evolve({ config: small() }, { out: dir, evaluator: failingAt(0) })).rejects.toThrow('killed');
    expect(readCheckpoint(dir).state.generation).toBe(0);
    expect(readMetrics(dir)).toEqual([]);
    await evolve({ resume: {} }, { out: dir, evaluator: inThread });
    expect(lines(dir)).toEqual(lines(whole));
    expect(readCheckpoint(dir).state).toEqual(readCheckpoint(whole).state);
  });

  it('refuses a second writer while the first is alive, and takes over a stale lock (defect 2)', async () => {
    const dir = join(base(), 'run');
    await expect(evolve({ config: small() }, { out: dir, evaluator: failingAt(1) })).rejects.toThrow('killed');
    const sleeper = spawn('sleep', ['30']);
    try {
      const pid = sleeper.pid as number;
      writeFileSync(join(dir, 'run.lock'), `${JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00.000Z', started: '' })}\n`);
      const before = snapshot(dir);
      await expect(evolve({ resume: {} }, { out: dir, evaluator: inThread }))
        .rejects.toThrow(`--resume must name a run directory no other process is writing: ${dir} is locked by process ${pid} on ${hostname()}`);
      expect(snapshot(dir)).toEqual(before);
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((r) => sleeper.once('exit', r));
    }
    // The holder is gone: its lock is stale and is taken over.
    await evolve({ resume: {} }, { out: dir, evaluator: inThread });
    expect(lines(dir)).toEqual(lines(whole));
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
  });

  it('cuts metrics.jsonl back to the checkpoint atomically and removes leftovers of failed writes (defect 3)', async () => {
    const dir = join(base(), 'run');
    await expect(evolve({ config: small() }, { out: dir, evaluator: failingAt(2) })).rejects.toThrow('killed');
    // A kill after the metrics line and before the checkpoint, mid-line: one whole line and half a line too many.
    const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
    const [first] = metrics.split('\n');
    writeFileSync(join(dir, 'metrics.jsonl'), `${metrics}${first}\n${(first as string).slice(0, 40)}`);
    writeFileSync(join(dir, 'checkpoint.msgpack.tmp'), 'half a checkpoint');
    writeFileSync(join(dir, 'fronts', 'gen-0002.json.tmp'), '{');
    await evolve({ resume: {} }, { out: dir, evaluator: inThread });
    expect(lines(dir)).toEqual(lines(whole));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(join(dir, 'fronts')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('removes the temporary file of a write that fails', () => {
    const dir = base();
    mkdirSync(join(dir, 'taken'));
    writeFileSync(join(dir, 'taken', 'x'), 'x');
    expect(() => writeFileAtomic(join(dir, 'taken'), 'data', 'final-front.json')).toThrow(`final-front.json path ${JSON.stringify(join(dir, 'taken'))}`);
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  describe('resume checks everything before it computes (defect 5)', () => {
    /** A run stopped after generation 2 of 3, with one thing spoiled; resuming must refuse it untouched. */
    const spoiled = async (spoil: (dir: string) => void): Promise<{ dir: string; before: Record<string, string> }> => {
      const dir = join(base(), 'run');
      await expect(evolve({ config: small() }, { out: dir, evaluator: failingAt(2) })).rejects.toThrow('killed');
      spoil(dir);
      return { dir, before: snapshot(dir) };
    };
    const refused = async (spoil: (dir: string) => void, message: string): Promise<void> => {
      const { dir, before } = await spoiled(spoil);
      const count = evaluations;
      await expect(evolve({ resume: {} }, { out: dir, evaluator: inThread })).rejects.toThrow(message);
      expect(evaluations, 'no generation was computed').toBe(count);
      expect(snapshot(dir)).toEqual(before);
    };

    it('an edited config.json is refused with every difference named', async () => {
      await refused((dir) => {
        const c = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as EvolveConfig;
        writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...c, crossoverRate: 0.5, species: { ...c.species, stagnationLimit: 20 } }));
      }, 'config.json must equal the run\'s checkpoint; it differs in species.stagnationLimit (config.json 20, checkpoint 15); crossoverRate (config.json 0.5, checkpoint 0.25). A resumed run keeps its configuration');
    });

    it('a missing metrics.jsonl is refused', async () => {
      await refused((dir) => rmSync(join(dir, 'metrics.jsonl')), 'metrics.jsonl must exist in the run directory (the checkpoint holds 2 generations');
    });

    it('a corrupt metrics line is refused before any generation runs', async () => {
      await refused((dir) => {
        const text = readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
        writeFileSync(join(dir, 'metrics.jsonl'), text.replace('"hypervolume":', '"hypervolume":"x",'));
      }, 'metrics.jsonl line 1');
    });

    it('a missing front is refused', async () => {
      await refused((dir) => rmSync(join(dir, 'fronts', 'gen-0000.json')), 'fronts/gen-0000.json must exist (the checkpoint holds 2 generations)');
    });

    it('a corrupt checkpoint falls back to the previous one and still ends as the whole run', async () => {
      const { dir } = await spoiled((d) => {
        const bytes = readFileSync(join(d, 'checkpoint.msgpack'));
        writeFileSync(join(d, 'checkpoint.msgpack'), bytes.subarray(0, bytes.length >> 1));
      });
      const notes: string[] = [];
      await evolve({ resume: {} }, { out: dir, evaluator: inThread, onStart: (info) => notes.push(...info.notes) });
      expect(notes.join('\n')).toContain('checkpoint.msgpack must be a whole msgpack checkpoint');
      expect(notes.join('\n')).toContain('resuming from checkpoint.prev.msgpack (generation 1)');
      expect(lines(dir)).toEqual(lines(whole));
    });

    it('two damaged checkpoints are refused, naming the file and the rule', async () => {
      await refused((dir) => {
        const bytes = readFileSync(join(dir, 'checkpoint.msgpack'));
        bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0xff;
        writeFileSync(join(dir, 'checkpoint.msgpack'), bytes);
        writeFileSync(join(dir, 'checkpoint.prev.msgpack'), Buffer.alloc(0));
      }, 'checkpoint.msgpack must match its SHA-256 digest (the file is damaged)');
    });
  });

  it('takes a longer run on resume from the generations flag', async () => {
    const dir = join(base(), 'run');
    await evolve({ config: small(2) }, { out: dir, evaluator: inThread });
    const result = await evolve({ resume: { generations: 3 } }, { out: dir, evaluator: inThread });
    expect(result.state.generation).toBe(3);
    expect(lines(dir)).toEqual(lines(whole));
    expect((JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as EvolveConfig).generations).toBe(3);
    await expect(evolve({ resume: { generations: 1 } }, { out: dir, evaluator: inThread })).rejects.toThrow('--generations must be at least 3, the generations the run has finished (got 1)');
  });

  it('stops after the generation under way when its signal is aborted, resumable', async () => {
    const dir = join(base(), 'run');
    const stop = new AbortController();
    const result = await evolve({ config: small() }, {
      out: dir, evaluator: inThread, signal: stop.signal, onGeneration: (r) => { if (r.generation === 0) stop.abort(); },
    });
    expect(result).toMatchObject({ interrupted: true, final: null });
    expect(readCheckpoint(dir).state.generation).toBe(1);
    await evolve({ resume: {} }, { out: dir, evaluator: inThread });
    expect(lines(dir)).toEqual(lines(whole));
  });
});
