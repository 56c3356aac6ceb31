// The schema of an evolution run's configuration (zod): every key once, with its type, its range
// and what it means, then the relations between keys. A fresh run, a resume and a checkpoint are
// all checked by it; docs/config.md is generated from it (scripts/config-doc.ts). Each value's own
// rule is checked before any relation, so a relation never reports on a value that is itself wrong.
// Messages are the rules of src/util/errors.ts, not zod's.

import { z } from 'zod';
import { MAX_EDGES, MAX_NODES } from '../engine/layout.ts';
import { LIMITS, parseTaskRef, type TaskRef } from '../tasks/registry.ts';
import { WORK_LIMIT_RANGE } from '../tasks/limits.ts';
import { InputError, rules } from '../util/errors.ts';
import { checkCurriculum, CURRICULUM_RELATIONS, type CurriculumConfig } from './curriculum.ts';
import type { SpeciesConfig } from './species.ts';
import { ROLES } from './role.ts';
import { isLearnerTask } from '../tasks/registry.ts';

/** How a leaf key reads in docs/config.md: its type and the values it may take. */
export interface KeyDoc {
  type: string;
  allowed: string;
}

/** The documentation of every leaf key (its description is zod's `.describe()`). */
const KEY_DOCS = z.registry<KeyDoc>();

export const MAX_WORKERS = 256;
const REQUIRED = 'is required';

function leaf<T extends z.ZodType>(schema: T, type: string, rule: string, description: string): T {
  const described = schema.describe(description);
  KEY_DOCS.add(described, { type, allowed: rule.replace(/^must be /, '') });
  return described;
}

const int = (lo: number, hi: number, description: string) => {
  const rule = rules.range(lo, hi);
  return leaf(z.number({ error: rule }).int().min(lo).max(hi), 'integer', rule, description);
};

const num = (lo: number, hi: number, description: string) => {
  const rule = rules.between(lo, hi);
  return leaf(z.number({ error: rule }).min(lo).max(hi), 'number', rule, description);
};

/** A share in (0, 1]: zero would be no data at all. */
const share = (description: string) => {
  const rule = 'must be a number in (0, 1]';
  return leaf(z.number({ error: rule }).gt(0).max(1), 'number', rule, description);
};

const flag = (description: string) => leaf(z.boolean({ error: rules.boolean }), 'boolean', rules.boolean, description);

const oneOf = <T extends readonly [string, ...string[]]>(values: T, description: string) => {
  const rule = rules.oneOf(values);
  return leaf(z.enum(values, { error: rule }), 'string', rule, description);
};

const object = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape, { error: rules.object });

/** A task reference known to the registry (`name` or `name:variant`, docs/tasks.md). */
const taskName = z.string({ error: rules.string }).superRefine((text, ctx) => {
  try {
    parseTaskRef(text);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.rule });
  }
});

const curriculumTask = object({
  task: taskName,
  prerequisites: z.array(z.string({ error: rules.string }), { error: rules.array }).default(() => []),
});

const CURRICULUM = object({
  tasks: leaf(
    z.array(curriculumTask, { error: rules.array }).min(1, { error: 'must have at least one task' }),
    'array of `{ task, prerequisites }`',
    'must be at least one task: `task` a task name (docs/tasks.md), `prerequisites` (default `[]`) names of tasks of this list',
    'the tasks to train on; a task with prerequisites unlocks once enough genomes master each of them (curriculum.unlock)',
  ),
  steps: object({
    min: int(LIMITS.steps[0], LIMITS.steps[1], 'the fewest training steps a generation draws (at the full horizon)'),
    max: int(LIMITS.steps[0], LIMITS.steps[1], 'the most training steps a generation draws (at the full horizon; the report plan\'s steps)'),
  }),
  horizon: object({
    start: share('the horizon at generation 0: the drawn steps are multiplied by min(1, start x growth^generation)'),
    growth: num(1, 10, 'the factor the horizon grows by per generation, up to 1 (1: never grows)'),
  }),
  // Bounded by the relation with the number of tasks; 100 is more tasks than the registry names.
  tasksPerGeneration: int(1, 100, 'tasks sampled per generation, without replacement, from the unlocked ones'),
  unlock: object({
    share: share('the share of a generation\'s genomes (valid or not) that must reach `curriculum.unlock.score` on a task to master it: 0.5, the median genome'),
    score: num(0, 1, 'the score (1 - normalised validation loss) that counts towards mastering a task'),
  }),
  data: object({
    start: share('the share of each model task\'s training split used at generation 0'),
    growth: num(1, 10, 'the factor the data share grows by per generation, up to 1 (1: never grows)'),
  }),
  heldOut: leaf(
    z.array(taskName, { error: rules.array }),
    'array of task names',
    'must be task names (docs/tasks.md), none twice and none also a curriculum task',
    'tasks never trained on: the final front is evaluated on them and they are part of the report plan',
  ),
}) satisfies z.ZodType<CurriculumConfig>;

const SPECIES = object({
  targetSpecies: int(1, 1000, 'the species count the threshold search steers to'),
  thresholdInitial: num(0.001, 1000, 'the compatibility threshold the first generation\'s search starts from (docs/operators.md, Compatibility distance)'),
  thresholdStep: num(0.001, 10, 'the search\'s first step away from the previous threshold, relative (a factor 1 + this); each further step is twice as long'),
  thresholdMin: num(0.001, 1000, 'the smallest threshold the search tries'),
  stagnationLimit: int(1, 100_000, 'generations a species may go without improving its rank or its gap to the best species before it stops reproducing'),
  protectTop: int(0, 1000, 'the best species that keep reproducing however long they stagnate'),
  elitism: int(0, 1000, 'best members of each species copied unchanged into the next generation'),
  survivalThreshold: num(0, 1, 'the share of each species, best first, that may be a parent (at least one member)'),
  originGenerations: int(0, 100_000, 'the first generations during which each seed\'s species is protected'),
  originMinMembers: int(0, 1000, 'the fewest offspring of a seed\'s species during `species.originGenerations`'),
}) satisfies z.ZodType<SpeciesConfig>;

const SURROGATE = object({
  enabled: flag('the graph-VAE surrogate (docs/surrogate.md): trained each generation on every genome evaluated, it makes the shares of children below'),
  maxNodes: int(8, 256, 'nodes of the largest genome the surrogate models (larger ones are neither trained on nor parents of its children)'),
  latent: int(2, 128, 'latent dimensions'),
  hidden: int(4, 256, 'width of node and graph states'),
  edgeHidden: int(2, 128, 'width of an edge pair\'s hidden layer'),
  batchSize: int(1, 256, 'graphs per training step'),
  stepsPerGeneration: int(0, 100_000, 'Adam steps of training per generation (a count, so runs are the same on any machine)'),
  learningRate: num(1e-6, 1, 'Adam\'s learning rate'),
  beta: num(0, 10, 'the KL weight after warm-up'),
  betaWarmup: int(0, 10_000_000, 'training steps over which the KL weight rises linearly from 0'),
  predictorWeight: num(0, 100, 'weight of the fitness predictor\'s loss against the VAE\'s'),
  relevanceL1: num(0, 1, 'L1 weight on the predictor\'s relevance vector (automatic relevance determination)'),
  maxExamples: int(1, 1_000_000, 'distinct evaluated genomes kept for training, the newest'),
  invalidPenalty: num(0, 1e6, 'the objective value an invalid decode is trained with'),
  invalidShareGrowth: num(0, 1, 'the share of invalid decodes in training, relative to the valid graphs, grows by this per generation'),
  invalidShareMax: num(0, 0.2, 'and never exceeds this (the proposal\'s 20%)'),
  startGeneration: int(0, 100_000, 'the first generation whose children the surrogate makes (it trains from generation 0)'),
  guided: num(0, 1, 'share of each generation\'s children that are guided: a parent\'s latent point moved by gradient steps on the predicted objectives, then decoded'),
  crossSpecies: num(0, 1, 'share of children mixed in latent space from parents of two species'),
  filtered: num(0, 1, 'share of children picked by the predictor (Thompson sampling) among `filterCandidates` mutants of one parent'),
  filterCandidates: int(2, 256, 'mutants the predictor filter chooses among'),
  guidanceSteps: int(1, 10_000, 'gradient steps of a guided child'),
  guidanceStepSize: num(1e-6, 100, 'the size of each step'),
  trustRadius: num(1e-6, 100, 'how far (Euclidean, in latent units) a guided child may move from its parent'),
  guidanceWeights: leaf(
    z.array(z.number({ error: rules.between(0, 1000) }).min(0).max(1000), { error: rules.array }).length(4, { error: 'must have 4 entries (validationLoss, trainLossArea, timeCost, memoryCost)' }),
    'array of 4 numbers', 'must be 4 numbers from 0 to 1000', 'per objective (validationLoss, trainLossArea, timeCost, memoryCost), how much guidance and the filter value lowering it',
  ),
});

const SHAPE = object({
  role: oneOf(ROLES, 'what the genomes are: `optimizer` (they update a model\'s parameters, docs/optimizer.md) or `learner` (they are the learner, docs/learner.md); the tasks must be of the role, and the defaults differ (docs/learner.md, Evolution)'),
  seed: int(0, 2 ** 31 - 1, 'the run seed: the same seed gives the same run, with any number of workers and across resumes'),
  generations: int(1, 100_000, 'generations to run'),
  population: int(2, 100_000, 'genomes per generation (generation 0: the 26 seeds, then single mutants of them, round robin)'),
  workers: int(1, MAX_WORKERS, 'pool threads; results do not depend on them. At most the available parallelism of the machine unless forced (--force-workers)'),
  timeLimitMs: int(1, 2 ** 31 - 1, 'the wall-clock limit of one task evaluation of one genome, in ms: a safety net (invalid as `timeout`); `workLimit` is the deterministic budget'),
  workLimit: num(WORK_LIMIT_RANGE[0], WORK_LIMIT_RANGE[1], 'engine work units per update and parameter one task evaluation may use on average (src/tasks/limits.ts); a genome over it is invalid as `over_budget` on every machine alike'),
  curriculum: CURRICULUM,
  species: SPECIES,
  breeding: oneOf(['evolution', 'random'] as const, 'how children are made: `evolution` breeds the population (tournament parents, crossover, mutation); `random` mutates a seed drawn at random 1 to 4 times, keeping the same elites, plans and scoring (the search benchmark\'s baseline, bench/search.bench.ts)'),
  crossoverRate: num(0, 1, 'the chance that a child comes from crossover (else from one parent); either way it is then mutated'),
  interspeciesRate: num(0, 1, 'of crossovers, the share with a parent from another species'),
  feasibleLoss: num(0, 100, 'constrained domination: a genome whose lifetime mean normalised validation loss is not below this is ranked after every genome that is (it learned nothing usable on average, however cheap); 0: off'),
  lineageGenerations: int(0, 100_000, 'for this many generations from the start, each seed lineage (members descending from one seed through their first parents) keeps its best valid member as an elite; 0: never'),
  frontElites: num(0, 1, 'the most of the population the first front may keep as elites (NSGA-II elitism), thinned by crowding distance'),
  novelty: flag('novelty (docs/pareto.md) as a fifth objective for selection'),
  surrogate: SURROGATE,
  capGrowth: object({
    // Beyond the engine's limits (src/engine/layout.ts) a larger growth changes nothing.
    nodes: num(0, MAX_NODES, `how much the node cap grows per generation (fractions accumulate; 0: fixed); at most the engine's ${MAX_NODES} nodes`),
    edges: num(0, MAX_EDGES, `how much the edge cap grows per generation (fractions accumulate; 0: fixed); at most the engine's ${MAX_EDGES} edges`),
  }),
  report: object({
    every: int(0, 100_000, 'evaluate the first front on the fixed report plan every this many generations, and at generation 0 and the last; 0: never'),
  }),
});

type Config = z.output<typeof SHAPE>;

/**
 * Whether two task references are the same task: the same name and variant, where a reference
 * without a variant means the task's default one, or any variant when the task draws its variant
 * from the seed (`classification` may be `classification:spirals`).
 */
function sameTask(a: TaskRef, b: TaskRef): boolean {
  if (a.definition !== b.definition) return false;
  const variant = (r: TaskRef): string | undefined => r.variant ?? (r.definition.drawn ? undefined : r.definition.variants[0]);
  const [x, y] = [variant(a), variant(b)];
  return x === undefined || y === undefined || x === y;
}

/** Whether task reference `a` names the same task as `b`; false when either is not a task. */
export function sameTaskName(a: string, b: string): boolean {
  try {
    return sameTask(parseTaskRef(a), parseTaskRef(b));
  } catch {
    return false;
  }
}

function checkHeldOut(c: CurriculumConfig): void {
  const trained = c.tasks.map((t) => parseTaskRef(t.task));
  const held = c.heldOut.map((t) => parseTaskRef(t));
  held.forEach((h, i) => {
    const j = trained.findIndex((t) => sameTask(t, h));
    if (j >= 0) throw new InputError(`curriculum.heldOut[${i}]`, `must not also be a training task (it is curriculum.tasks[${j}].task)`, c.heldOut[i]);
    const k = held.findIndex((o, m) => m < i && sameTask(o, h));
    if (k >= 0) throw new InputError(`curriculum.heldOut[${i}]`, `must be unique (it is curriculum.heldOut[${k}])`, c.heldOut[i]);
  });
}

interface Relation {
  /** The rules as docs/config.md lists them. */
  doc: readonly string[];
  /** Throws InputError for the first key that breaks a rule. */
  check: (c: Config) => void;
}

function checkRole(c: Config): void {
  const learner = c.role === 'learner';
  const wrong = (task: string): boolean => isLearnerTask(task) !== learner;
  const rule = `must be ${learner ? 'a learner' : 'an optimizer'} task (role is ${c.role}; docs/tasks.md, docs/learner.md)`;
  c.curriculum.tasks.forEach((t, i) => {
    if (wrong(t.task)) throw new InputError(`curriculum.tasks[${i}].task`, rule, t.task);
  });
  c.curriculum.heldOut.forEach((t, i) => {
    if (wrong(t)) throw new InputError(`curriculum.heldOut[${i}]`, rule, t);
  });
}

const RELATIONS: readonly Relation[] = [
  { doc: ['`curriculum.tasks` and `curriculum.heldOut`: tasks of the `role` (optimizer tasks for optimizers, learner tasks for learners)'], check: checkRole },
  { doc: CURRICULUM_RELATIONS, check: (c) => checkCurriculum(c.curriculum) },
  {
    doc: ['`curriculum.heldOut`: no task twice and none also in `curriculum.tasks` (the same task: the same name and variant, no variant meaning the default one, or any one for a task that draws its variant)'],
    check: (c) => checkHeldOut(c.curriculum),
  },
  {
    // With fewer genomes the species' elites fill the population and nothing new is bred.
    doc: ['`population` at least `species.targetSpecies` × (`species.elitism` + 1), so that each species can breed a child besides its elites'],
    check: (c) => {
      const least = c.species.targetSpecies * (c.species.elitism + 1);
      if (c.population < least) throw new InputError('population', `must be at least ${least} (species.targetSpecies × (species.elitism + 1)), so that each species can breed a child besides its elites`, c.population);
    },
  },
  {
    doc: ['`surrogate.guided` + `surrogate.crossSpecies` + `surrogate.filtered` at most 1 (they are shares of the same children)'],
    check: (c) => {
      const sum = c.surrogate.guided + c.surrogate.crossSpecies + c.surrogate.filtered;
      if (sum > 1) throw new InputError('surrogate.filtered', `must leave surrogate.guided + surrogate.crossSpecies + surrogate.filtered at most 1 (they sum to ${Number(sum.toPrecision(6))})`, c.surrogate.filtered);
    },
  },
  {
    doc: ['`species.thresholdInitial` at least `species.thresholdMin`'],
    check: (c) => {
      if (c.species.thresholdInitial < c.species.thresholdMin) throw new InputError('species.thresholdInitial', `must be at least species.thresholdMin (${c.species.thresholdMin})`, c.species.thresholdInitial);
    },
  },
];

/** The relations between keys, as docs/config.md lists them. */
export const RELATION_DOCS: readonly string[] = RELATIONS.flatMap((r) => r.doc);

/** The whole configuration: strict objects, every key required, each value's rule, then the relations. */
export const CONFIG_SCHEMA = SHAPE.check((ctx) => {
  if (ctx.issues.length > 0) return;
  for (const relation of RELATIONS) {
    try {
      relation.check(ctx.value);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      ctx.issues.push({ code: 'custom', message: error.rule, input: ctx.value, path: [], params: { error } });
      return;
    }
  }
});

/** Keys a resumed run may change, from the command line only. */
export const RESUMABLE_KEYS = ['generations', 'workers', 'timeLimitMs'] as const;

/** A leaf key of the schema, in schema order. */
export interface ConfigKey {
  path: readonly string[];
  field: string;
  schema: z.core.$ZodType;
  description: string;
  doc: KeyDoc;
}

/** Every leaf key of the schema, in schema order (objects are walked, arrays are leaves). */
export function configKeys(shape: z.ZodRawShape = CONFIG_SCHEMA.shape, prefix: readonly string[] = []): ConfigKey[] {
  return Object.entries(shape).flatMap(([k, schema]) => {
    const path = [...prefix, k];
    if (schema instanceof z.ZodObject) return configKeys(schema.shape, path);
    const doc = KEY_DOCS.get(schema);
    const description = z.globalRegistry.get(schema)?.description;
    if (doc === undefined || description === undefined) throw new Error(`config key ${path.join('.')} has no documentation`);
    return [{ path, field: path.join('.'), schema, description, doc }];
  });
}

/** `a.b[0].c` from a zod path. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((f, k) => (typeof k === 'number' ? `${f}[${k}]` : f === '' ? String(k) : `${f}.${String(k)}`), '');
}

function child(value: unknown, key: PropertyKey): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
}

/**
 * The first issue of a failed parse of `input` as one InputError naming the field and the rule;
 * `file`, when given, names the file before the field (`config.json: species.elitism`).
 */
export function issueError(issue: z.core.$ZodIssue, input: unknown, file?: string): InputError {
  const at = (field: string): string => (file === undefined ? field || 'config' : field === '' ? file : `${file}: ${field}`);
  const relation = issue.code === 'custom' ? issue.params?.error : undefined;
  if (relation instanceof InputError) return new InputError(at(relation.field), relation.rule, relation.got);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return new InputError(at(fieldOf([...issue.path, key])), rules.unknownKey, key);
  }
  const got = issue.path.reduce(child, input);
  if (issue.code === 'invalid_type' && issue.path.length > 0 && got === undefined) return new InputError(at(fieldOf(issue.path)), REQUIRED);
  return new InputError(at(fieldOf(issue.path)), issue.message, got);
}
