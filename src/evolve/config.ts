// The configuration of an evolution run: every parameter declared once with its default, a config
// file (JSON) merged over the defaults, unknown keys and bad values refused with the field and the
// rule. The defaults evolve from the 26 seeds and finish on a 2-core machine in a few minutes.

import { parseTaskRef } from '../tasks/registry.ts';
import { InputError, rules } from '../util/errors.ts';
import { checkCurriculum, type CurriculumConfig } from './curriculum.ts';
import { DEFAULT_SPECIES, type SpeciesConfig } from './species.ts';

export interface EvolveConfig {
  seed: number;
  generations: number;
  /** Genomes per generation (generation 0: the seeds, then mutants of them up to this size). */
  population: number;
  workers: number;
  /** The limit of one task evaluation of one genome, in ms. */
  timeLimitMs: number;
  curriculum: CurriculumConfig;
  species: SpeciesConfig;
  /** The chance that a child comes from crossover (else from one parent, mutated). */
  crossoverRate: number;
  /** Of crossovers, the share with a parent from another species. */
  interspeciesRate: number;
  /** The most of the population the first front may keep as elites (NSGA-II elitism). */
  frontElites: number;
  /** Novelty (src/evolve/novelty.ts) as a fifth objective. */
  novelty: boolean;
  /** How much the structure caps (nodes, edges) grow per generation. */
  capGrowth: { nodes: number; edges: number };
  /**
   * The report (run.ts, reportPlan): every `every` generations, and at generation 0 and the last,
   * the first front is evaluated once more on one fixed plan (every curriculum and held-out task,
   * the most steps, all the data) whose hypervolume compares across generations; 0: never.
   */
  report: { every: number };
}

export const DEFAULT_CONFIG: EvolveConfig = {
  seed: 1,
  generations: 60,
  population: 104,
  workers: 2,
  timeLimitMs: 20_000,
  curriculum: {
    tasks: [
      { task: 'quadratic', prerequisites: [] },
      { task: 'linreg-8', prerequisites: [] },
      { task: 'rosenbrock', prerequisites: ['quadratic'] },
      { task: 'quadratic-noisy', prerequisites: ['quadratic'] },
      { task: 'regression', prerequisites: ['linreg-8'] },
    ],
    steps: { min: 40, max: 80 },
    // Four of the five: with two, stretches of generations drawing the hard `regression` (where
    // every optimizer scores alike and cost decides) let cheap genomes that barely learn take over.
    tasksPerGeneration: 4,
    unlock: { genomes: 3, score: 0.9 },
    data: { start: 0.5, growth: 1.1 },
    heldOut: ['quadratic-split'],
  },
  species: { ...DEFAULT_SPECIES },
  crossoverRate: 0.25,
  interspeciesRate: 0.05,
  frontElites: 0.3,
  novelty: false,
  capGrowth: { nodes: 0.5, edges: 1 },
  report: { every: 10 },
};

type Shape = { [k: string]: Shape | 'number' | 'integer' | 'boolean' | 'string' | 'tasks' | 'strings' };

const SHAPE: Shape = {
  seed: 'integer', generations: 'integer', population: 'integer', workers: 'integer', timeLimitMs: 'integer',
  curriculum: {
    tasks: 'tasks', steps: { min: 'integer', max: 'integer' }, tasksPerGeneration: 'integer',
    unlock: { genomes: 'integer', score: 'number' }, data: { start: 'number', growth: 'number' }, heldOut: 'strings',
  },
  species: Object.fromEntries(Object.keys(DEFAULT_SPECIES).map((k) => [k, 'number'])),
  crossoverRate: 'number', interspeciesRate: 'number', frontElites: 'number', novelty: 'boolean',
  capGrowth: { nodes: 'number', edges: 'number' },
  report: { every: 'integer' },
};

/** Merges `json` (a parsed config file, any subset of the keys) over `base`, checking as it goes. */
function merge(base: unknown, json: unknown, shape: Shape, field: string): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(field || 'config', rules.object, json);
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(json)) {
    const f = field === '' ? k : `${field}.${k}`;
    const kind = shape[k];
    if (kind === undefined) throw new InputError(f, rules.unknownKey, k);
    if (typeof kind === 'object') out[k] = merge(out[k], v, kind, f);
    else out[k] = value(v, kind, f);
  }
  return out;
}

function value(v: unknown, kind: string, f: string): unknown {
  switch (kind) {
    case 'integer':
      if (!Number.isInteger(v)) throw new InputError(f, rules.integer, v);
      return v;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(f, rules.finite, v);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw new InputError(f, rules.boolean, v);
      return v;
    case 'string':
      if (typeof v !== 'string') throw new InputError(f, rules.string, v);
      return v;
    case 'strings':
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new InputError(f, 'must be an array of strings', v);
      return [...v];
    default: // tasks
      if (!Array.isArray(v)) throw new InputError(f, rules.array, v);
      return v.map((t, i) => {
        const item = merge({ prerequisites: [] }, t, { task: 'string', prerequisites: 'strings' }, `${f}[${i}]`) as { task: unknown; prerequisites: string[] };
        if (typeof item.task !== 'string') throw new InputError(`${f}[${i}].task`, rules.string, item.task);
        return item;
      });
  }
}

/** A checked config: the defaults with `json` (a parsed config file) and then `overrides` on top. */
export function resolveConfig(json: unknown = {}, overrides: Partial<Pick<EvolveConfig, 'seed' | 'generations' | 'population' | 'workers'>> & { tasks?: string[] } = {}): EvolveConfig {
  const c = merge(DEFAULT_CONFIG, json, SHAPE, '') as EvolveConfig;
  const { tasks, ...rest } = overrides;
  const out: EvolveConfig = { ...c, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
  if (tasks !== undefined) {
    out.curriculum = { ...out.curriculum, tasks: tasks.map((task) => ({ task, prerequisites: [] })), tasksPerGeneration: Math.min(out.curriculum.tasksPerGeneration, tasks.length) };
  }
  const int = (v: number, f: string, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new InputError(f, rules.range(lo, hi), v);
  };
  int(out.seed, 'seed', 0, 2 ** 31 - 1);
  int(out.generations, 'generations', 1, 100_000);
  int(out.population, 'population', 2, 100_000);
  int(out.workers, 'workers', 1, 256);
  int(out.timeLimitMs, 'timeLimitMs', 1, 2 ** 31 - 1);
  int(out.report.every, 'report.every', 0, 100_000);
  for (const [f, v] of [['crossoverRate', out.crossoverRate], ['interspeciesRate', out.interspeciesRate], ['frontElites', out.frontElites]] as const) {
    if (!(v >= 0 && v <= 1)) throw new InputError(f, rules.between(0, 1), v);
  }
  checkCurriculum(out.curriculum);
  out.curriculum.tasks.forEach((t, i) => parseTaskRef(t.task, `curriculum.tasks[${i}].task`));
  out.curriculum.heldOut.forEach((t, i) => parseTaskRef(t, `curriculum.heldOut[${i}]`));
  return out;
}
