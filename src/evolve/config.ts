// The configuration of an evolution run: the defaults, a config file (JSON or YAML, any subset of
// the keys) merged over them, then the command line's overrides, all checked by one schema
// (config-schema.ts) that also checks config.json and checkpoints on resume. The defaults evolve
// from the 26 seeds and finish on a 2-core machine in under a minute. docs/config.md lists every key.

import { availableParallelism } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { DEFAULT_WORK_LIMIT } from '../tasks/limits.ts';
import { InputError, rules } from '../util/errors.ts';
import { CONFIG_SCHEMA, issueError, MAX_WORKERS, RESUMABLE_KEYS, sameTaskName } from './config-schema.ts';
import { DEFAULT_SPECIES } from './species.ts';
import { ROLES, type Role } from './role.ts';
import { DEFAULT_LEARNER_WORK_LIMIT } from '../tasks/learner.ts';

export { CONFIG_SCHEMA, RESUMABLE_KEYS };

export type EvolveConfig = z.output<typeof CONFIG_SCHEMA>;

/**
 * The surrogate's defaults (docs/surrogate.md): off until its children earn their place in the
 * default run (issue 13's benchmark); sized for optimizer genomes (the seeds have up to 37 nodes).
 */
export const DEFAULT_SURROGATE: EvolveConfig['surrogate'] = {
  enabled: false,
  maxNodes: 48, latent: 32, hidden: 48, edgeHidden: 32,
  batchSize: 16, stepsPerGeneration: 8, learningRate: 0.003,
  beta: 0.05, betaWarmup: 500, predictorWeight: 1, relevanceL1: 0.001,
  maxExamples: 4000, invalidPenalty: 1000, invalidShareGrowth: 0.01, invalidShareMax: 0.2,
  startGeneration: 5, guided: 0.1, crossSpecies: 0.05, filtered: 0.1, filterCandidates: 8,
  guidanceSteps: 50, guidanceStepSize: 0.05, trustRadius: 1,
  guidanceWeights: [1, 0.25, 0.1, 0.05],
};

export const DEFAULT_CONFIG: EvolveConfig = {
  role: 'optimizer',
  seed: 1,
  generations: 60,
  population: 104,
  workers: 2,
  timeLimitMs: 20_000,
  workLimit: DEFAULT_WORK_LIMIT,
  curriculum: {
    tasks: [
      { task: 'quadratic', prerequisites: [] },
      { task: 'linreg-8', prerequisites: [] },
      { task: 'rosenbrock', prerequisites: ['quadratic'] },
      { task: 'quadratic-noisy', prerequisites: ['quadratic'] },
      { task: 'regression', prerequisites: ['linreg-8'] },
      { task: 'classification', prerequisites: ['linreg-8'] },
    ],
    steps: { min: 40, max: 80 },
    // Short runs first, the full horizon from generation 35 on.
    horizon: { start: 0.5, growth: 1.02 },
    // Four of the six: with two, stretches of generations drawing the hard `regression` (where
    // every optimizer scores alike and cost decides) let cheap genomes that barely learn take over.
    tasksPerGeneration: 4,
    // A task unlocks once the median genome of a generation masters its prerequisites.
    unlock: { share: 0.5, score: 0.9 },
    data: { start: 0.5, growth: 1.1 },
    // Whole families evolution never sees, for reports only: Iris (a real data set), glyphs (8x8
    // images drawn in code) and sequence (forecasting a drawn time series); the curriculum trains
    // on analytic problems, linear and dense regression and 2-D classification.
    heldOut: ['iris:logistic', 'iris:mlp', 'glyphs', 'glyphs:4', 'sequence'],
  },
  species: { ...DEFAULT_SPECIES },
  breeding: 'evolution',
  crossoverRate: 0.25,
  interspeciesRate: 0.05,
  frontElites: 0.3,
  lineageGenerations: 30,
  feasibleLoss: 1,
  novelty: false,
  surrogate: { ...DEFAULT_SURROGATE },
  capGrowth: { nodes: 0.5, edges: 1 },
  report: { every: 10 },
};

/**
 * The defaults of a learner run (docs/learner.md, Evolution): the learner tasks, every episode at
 * its full length from the start (no horizon or data share to grow), a population and length that
 * finish on 2 cores in under 5 minutes. The held-out families are never trained on.
 */
export const DEFAULT_LEARNER_CONFIG: EvolveConfig = {
  ...DEFAULT_CONFIG,
  role: 'learner',
  generations: 40,
  population: 64,
  workLimit: DEFAULT_LEARNER_WORK_LIMIT,
  curriculum: {
    tasks: [
      { task: 'bandit', prerequisites: [] },
      { task: 'tmaze', prerequisites: [] },
      { task: 'rules', prerequisites: [] },
      { task: 'association', prerequisites: [] },
      { task: 'familiarity', prerequisites: [] },
    ],
    steps: { min: 2, max: 2 },
    horizon: { start: 1, growth: 1 },
    tasksPerGeneration: 3,
    unlock: { share: 0.5, score: 0.5 },
    data: { start: 1, growth: 1 },
    // Two whole families never trained on: the cognitive-map tasks of Wilson et al. 2014, and
    // delayed match and non-match to sample, the two rules the \`rules\` family leaves out.
    heldOut: ['reversal', 'alternation', 'extinction', 'devaluation', 'rule:dms', 'rule:dnms'],
  },
  species: { ...DEFAULT_SPECIES, targetSpecies: 6 },
  lineageGenerations: 20,
};

/** The defaults of a role. */
export function defaultConfig(role: Role = 'optimizer'): EvolveConfig {
  return role === 'learner' ? DEFAULT_LEARNER_CONFIG : DEFAULT_CONFIG;
}

/** Overrides from the command line. */
export interface ConfigOverrides {
  /** The role (--role); decides the defaults the config file is merged over. */
  role?: Role;
  seed?: number;
  generations?: number;
  population?: number;
  workers?: number;
  timeLimitMs?: number;
  /**
   * Train on these tasks only, none with prerequisites; `curriculum.tasksPerGeneration` is capped
   * at their number, and held-out tasks the config file did not set leave out any of them.
   */
  tasks?: string[];
}

export interface ResolveOptions {
  /** Allow more workers than the machine's available parallelism (up to 256). */
  forceWorkers?: boolean;
  /** Default os.availableParallelism(); injectable for tests. */
  availableParallelism?: number;
}

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const given = (v: unknown, key: string): boolean => isObject(v) && Object.hasOwn(v, key);

/**
 * `json` over `base`: objects key by key where the schema has an object, anything else (arrays
 * too) replaced whole. Keys are looked up as own keys only and set as own properties, so
 * `__proto__` or `constructor` stay plain unknown keys for the schema to refuse.
 */
function mergeOver(base: Loose, json: Loose, shape: z.ZodRawShape): Loose {
  const out: Loose = { ...base };
  for (const key of Object.keys(json)) {
    const schema = Object.hasOwn(shape, key) ? shape[key] : undefined;
    const old = Object.hasOwn(out, key) ? out[key] : undefined;
    const value = json[key];
    const merged = schema instanceof z.ZodObject && isObject(old) && isObject(value) ? mergeOver(old, value, schema.shape) : value;
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The defaults, then a config file's JSON (any subset of keys), then overrides; throws InputError
 * naming the field and the rule. Defaults the file left out adapt to what was set, so that they
 * never make a config wrong: tasksPerGeneration is capped at the number of tasks, held-out tasks
 * leave out the tasks trained on, and workers are capped at the machine's available parallelism.
 */
export function resolveConfig(json: unknown = {}, overrides: ConfigOverrides = {}, options: ResolveOptions = {}): EvolveConfig {
  if (!isObject(json)) throw new InputError('config', rules.object, json);
  const role = overrides.role ?? json.role;
  if (role !== undefined && !(ROLES as readonly unknown[]).includes(role)) throw new InputError(overrides.role === undefined ? 'role' : '--role', rules.oneOf(ROLES), role);
  if (overrides.role !== undefined && json.role !== undefined && json.role !== overrides.role) {
    throw new InputError('--role', `must agree with the config file's role (${String(json.role)})`, overrides.role);
  }
  const config = mergeOver(structuredClone(defaultConfig(role as Role | undefined)), json, CONFIG_SCHEMA.shape);
  for (const key of ['seed', 'generations', 'population', 'workers', 'timeLimitMs'] as const) {
    if (overrides[key] !== undefined) config[key] = overrides[key];
  }
  const file = json.curriculum;
  const c = config.curriculum;
  if (isObject(c)) {
    if (overrides.tasks !== undefined) c.tasks = overrides.tasks.map((task) => ({ task, prerequisites: [] }));
    const tasks = Array.isArray(c.tasks) ? c.tasks.map((t: unknown) => (isObject(t) && typeof t.task === 'string' ? t.task : '')) : [];
    if (tasks.length > 0 && typeof c.tasksPerGeneration === 'number' && (!given(file, 'tasksPerGeneration') || overrides.tasks !== undefined)) {
      c.tasksPerGeneration = Math.min(c.tasksPerGeneration, tasks.length);
    }
    if (!given(file, 'heldOut') && Array.isArray(c.heldOut)) {
      c.heldOut = c.heldOut.filter((h: unknown) => typeof h !== 'string' || !tasks.some((t) => sameTaskName(h, t)));
    }
  }
  if (!given(json, 'workers') && overrides.workers === undefined && options.forceWorkers !== true) {
    config.workers = Math.max(1, Math.min(DEFAULT_CONFIG.workers, options.availableParallelism ?? availableParallelism()));
  }
  const result = CONFIG_SCHEMA.safeParse(config);
  if (!result.success) throw issueError(result.error.issues[0] as z.core.$ZodIssue, config);
  checkWorkers(result.data.workers, 'workers', options);
  return result.data;
}

/**
 * A complete config as stored in config.json or a checkpoint: every key required, same rules;
 * `file` names the file in errors, e.g. `config.json: species.elitism must be ...`.
 */
export function parseConfig(value: unknown, file: string, options: ResolveOptions = {}): EvolveConfig {
  // Runs written before the learner role existed have no `role`: they are optimizer runs.
  // Runs written before the surrogate existed have no `surrogate`: it was off.
  let stored = isObject(value) && !Object.hasOwn(value, 'role') ? { role: 'optimizer', ...value } : value;
  if (isObject(stored) && !Object.hasOwn(stored, 'surrogate')) stored = { ...stored, surrogate: { ...DEFAULT_SURROGATE } };
  const result = CONFIG_SCHEMA.safeParse(stored);
  if (!result.success) throw issueError(result.error.issues[0] as z.core.$ZodIssue, stored, file);
  checkWorkers(result.data.workers, `${file}: workers`, options);
  return result.data;
}

/** Throws InputError(field, rule) unless 1 <= n <= availableParallelism, or up to 256 when forced. */
export function checkWorkers(n: number, field: string, options: ResolveOptions = {}): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new InputError(field, rules.range(1, MAX_WORKERS), n);
  // More threads than cores only adds memory (each worker holds an engine) and contention.
  const available = options.availableParallelism ?? availableParallelism();
  if (options.forceWorkers !== true && n > available) {
    throw new InputError(field, `must be at most ${available}, the available parallelism of this machine (--force-workers allows up to ${MAX_WORKERS})`, n);
  }
}

/** The differences between two configs as dotted field paths with both values (deep, arrays compared by value), in schema order. */
export function configDifferences(a: EvolveConfig, b: EvolveConfig): { field: string; a: unknown; b: unknown }[] {
  const out: { field: string; a: unknown; b: unknown }[] = [];
  const walk = (shape: z.ZodRawShape, x: unknown, y: unknown, prefix: string): void => {
    for (const [key, schema] of Object.entries(shape)) {
      const field = prefix === '' ? key : `${prefix}.${key}`;
      const [u, v] = [isObject(x) ? x[key] : undefined, isObject(y) ? y[key] : undefined];
      if (schema instanceof z.ZodObject && isObject(u) && isObject(v)) walk(schema.shape, u, v, field);
      else if (!isDeepStrictEqual(u, v)) out.push({ field, a: u, b: v });
    }
  };
  walk(CONFIG_SCHEMA.shape, a, b, '');
  return out;
}
