// The configuration of an evolution run (src/evolve/config.ts, config-schema.ts): the schema takes
// every default and gives every number a range; one bad config per rule, each with its exact
// message; the merge of a config file and the overrides; config.json and checkpoints checked by
// the same rules; the differences between two configs; docs/config.md generated from the schema.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONFIG_DOC_PATH, renderConfigDoc } from '../../scripts/config-doc.ts';
import { configKeys } from '../../src/evolve/config-schema.ts';
import {
  checkWorkers, CONFIG_SCHEMA, configDifferences, DEFAULT_CONFIG, parseConfig, resolveConfig, RESUMABLE_KEYS,
  type ConfigOverrides, type EvolveConfig,
} from '../../src/evolve/config.ts';
import { TASK_NAMES } from '../../src/tasks/registry.ts';
import { WORK_LIMIT_RANGE } from '../../src/tasks/limits.ts';

/** This test's machine: two cores, whatever the real one has. */
const machine = { availableParallelism: 2 };
const resolve = (json: unknown, overrides: ConfigOverrides = {}): EvolveConfig => resolveConfig(json, overrides, machine);

/** The message `f` throws, or 'accepted'. */
function message(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

const refused = (json: unknown, overrides: ConfigOverrides = {}): string => message(() => resolve(json, overrides));
const oneOfTasks = `must be one of ${TASK_NAMES.join(', ')}`;

/** Every leaf of a schema with its path: objects walked, array elements as `[]`, defaults unwrapped. */
function leaves(schema: z.core.$ZodType, path: string): [string, z.core.$ZodType][] {
  if (schema instanceof z.ZodObject) return Object.entries(schema.shape).flatMap(([k, s]) => leaves(s, path === '' ? k : `${path}.${k}`));
  if (schema instanceof z.ZodArray) return leaves(schema.element, `${path}[]`);
  if (schema instanceof z.ZodDefault) return leaves(schema.unwrap(), path);
  return [[path, schema]];
}

describe('the config schema', () => {
  it('takes every default, and an empty config file resolves to the defaults', () => {
    expect(CONFIG_SCHEMA.safeParse(DEFAULT_CONFIG).success).toBe(true);
    const config = resolve({});
    expect(config).toEqual(DEFAULT_CONFIG);
    config.curriculum.tasks[0]?.prerequisites.push('linreg-8');
    config.species.elitism = 5;
    expect(DEFAULT_CONFIG.curriculum.tasks[0]?.prerequisites).toEqual([]);
    expect(DEFAULT_CONFIG.species.elitism).toBe(1);
  });

  it('gives every number a finite range, integers where the code counts, and documents every key', () => {
    const numbers = leaves(CONFIG_SCHEMA, '').filter(([, s]) => s instanceof z.ZodNumber) as [string, z.ZodNumber][];
    expect(numbers).toHaveLength(57);
    for (const [path, s] of numbers) {
      expect(Number.isFinite(s.minValue), path).toBe(true);
      expect(Number.isFinite(s.maxValue), path).toBe(true);
    }
    expect(numbers.filter(([, s]) => s.isInt).map(([p]) => p)).toEqual([
      'seed', 'generations', 'population', 'workers', 'timeLimitMs', 'curriculum.steps.min', 'curriculum.steps.max',
      'curriculum.tasksPerGeneration', 'species.targetSpecies', 'species.stagnationLimit',
      'species.protectTop', 'species.elitism', 'species.originGenerations', 'species.originMinMembers', 'lineageGenerations',
      'surrogate.maxNodes', 'surrogate.latent', 'surrogate.hidden', 'surrogate.edgeHidden', 'surrogate.batchSize',
      'surrogate.stepsPerGeneration', 'surrogate.betaWarmup', 'surrogate.maxExamples', 'surrogate.startGeneration',
      'surrogate.filterCandidates', 'surrogate.guidanceSteps', 'report.every',
    ]);
    const keys = configKeys();
    // The documented keys are the schema's leaves, an array of objects being one key.
    expect(keys.map((k) => k.field)).toEqual([...new Set(leaves(CONFIG_SCHEMA, '').map(([p]) => p.replace(/\[\].*$/, '')))]);
    for (const k of keys) expect(k.description.length, k.field).toBeGreaterThan(10);
    for (const key of RESUMABLE_KEYS) expect(Object.keys(CONFIG_SCHEMA.shape)).toContain(key);
  });

  it('refuses each bad value with the field and the rule', () => {
    const cases: [unknown, string][] = [
      [[], 'config must be an object (got an array of 0)'],
      [{ populaton: 30 }, 'populaton is not a known key (got "populaton")'],
      [{ species: { targetSpecie: 3 } }, 'species.targetSpecie is not a known key (got "targetSpecie")'],
      [{ seed: -1 }, 'seed must be an integer from 0 to 2147483647 (got -1)'],
      [{ generations: 1.5 }, 'generations must be an integer from 1 to 100000 (got 1.5)'],
      [{ population: '30' }, 'population must be an integer from 2 to 100000 (got "30")'],
      [{ workers: 0 }, 'workers must be an integer from 1 to 256 (got 0)'],
      [{ timeLimitMs: 0 }, 'timeLimitMs must be an integer from 1 to 2147483647 (got 0)'],
      [{ workLimit: 0 }, `workLimit must be a number from ${WORK_LIMIT_RANGE[0]} to ${WORK_LIMIT_RANGE[1]} (got 0)`],
      [{ curriculum: 5 }, 'curriculum must be an object (got 5)'],
      [{ curriculum: { tasks: 'quadratic' } }, 'curriculum.tasks must be an array (got "quadratic")'],
      [{ curriculum: { tasks: [] } }, 'curriculum.tasks must have at least one task (got an array of 0)'],
      [{ curriculum: { tasks: [{}] } }, 'curriculum.tasks[0].task is required'],
      [{ curriculum: { tasks: [{ task: 'iris:nope' }] } }, 'curriculum.tasks[0].task must name a variant of iris: iris:logistic, iris:mlp (got "iris:nope")'],
      [{ curriculum: { tasks: [{ task: 'quadratic', prereqs: [] }] } }, 'curriculum.tasks[0].prereqs is not a known key (got "prereqs")'],
      [{ curriculum: { tasks: [{ task: 'quadratic', prerequisites: 'x' }] } }, 'curriculum.tasks[0].prerequisites must be an array (got "x")'],
      [{ curriculum: { steps: { min: 0 } } }, 'curriculum.steps.min must be an integer from 1 to 100000 (got 0)'],
      [{ curriculum: { steps: { max: 100_001 } } }, 'curriculum.steps.max must be an integer from 1 to 100000 (got 100001)'],
      [{ curriculum: { tasksPerGeneration: 0 } }, 'curriculum.tasksPerGeneration must be an integer from 1 to 100 (got 0)'],
      [{ curriculum: { unlock: { share: 0 } } }, 'curriculum.unlock.share must be a number in (0, 1] (got 0)'],
      [{ curriculum: { horizon: { growth: 0.5 } } }, 'curriculum.horizon.growth must be a number from 1 to 10 (got 0.5)'],
      [{ curriculum: { unlock: { score: 2 } } }, 'curriculum.unlock.score must be a number from 0 to 1 (got 2)'],
      [{ curriculum: { data: { start: 0 } } }, 'curriculum.data.start must be a number in (0, 1] (got 0)'],
      [{ curriculum: { data: { growth: 0.5 } } }, 'curriculum.data.growth must be a number from 1 to 10 (got 0.5)'],
      [{ curriculum: { heldOut: [3] } }, 'curriculum.heldOut[0] must be a string (got 3)'],
      [{ curriculum: { heldOut: ['nope'] } }, `curriculum.heldOut[0] ${oneOfTasks} (got "nope")`],
      [{ species: [] }, 'species must be an object (got an array of 0)'],
      [{ species: { thresholdInitial: 0 } }, 'species.thresholdInitial must be a number from 0.001 to 1000 (got 0)'],
      [{ species: { thresholdStep: 0 } }, 'species.thresholdStep must be a number from 0.001 to 10 (got 0)'],
      [{ species: { thresholdMin: 1001 } }, 'species.thresholdMin must be a number from 0.001 to 1000 (got 1001)'],
      [{ species: { stagnationLimit: 0.5 } }, 'species.stagnationLimit must be an integer from 1 to 100000 (got 0.5)'],
      [{ species: { protectTop: -1 } }, 'species.protectTop must be an integer from 0 to 1000 (got -1)'],
      [{ species: { originGenerations: -1 } }, 'species.originGenerations must be an integer from 0 to 100000 (got -1)'],
      [{ species: { originMinMembers: 1001 } }, 'species.originMinMembers must be an integer from 0 to 1000 (got 1001)'],
      [{ crossoverRate: 1.5 }, 'crossoverRate must be a number from 0 to 1 (got 1.5)'],
      [{ interspeciesRate: -0.1 }, 'interspeciesRate must be a number from 0 to 1 (got -0.1)'],
      [{ frontElites: 2 }, 'frontElites must be a number from 0 to 1 (got 2)'],
      [{ novelty: 'yes' }, 'novelty must be true or false (got "yes")'],
      [{ capGrowth: { edges: 200_000 } }, 'capGrowth.edges must be a number from 0 to 131072 (got 200000)'],
      [{ report: { every: -1 } }, 'report.every must be an integer from 0 to 100000 (got -1)'],
    ];
    for (const [json, expected] of cases) expect(refused(json), JSON.stringify(json)).toBe(expected);
  });

  it('refuses each broken relation between keys, once every value keeps its own rule', () => {
    const tasks = (...t: unknown[]) => ({ curriculum: { tasks: t } });
    const cases: [unknown, string][] = [
      [tasks({ task: 'quadratic' }, { task: 'quadratic' }), 'curriculum.tasks[1].task must be unique (got "quadratic")'],
      [tasks({ task: 'quadratic', prerequisites: ['rosenbrock'] }), 'curriculum.tasks[0].prerequisites[0] must name a task of the curriculum (got "rosenbrock")'],
      [tasks({ task: 'quadratic', prerequisites: ['rosenbrock'] }, { task: 'rosenbrock', prerequisites: ['quadratic'] }), 'curriculum.tasks must have a task without prerequisites (got 2)'],
      [tasks({ task: 'linreg-8' }, { task: 'quadratic', prerequisites: ['rosenbrock'] }, { task: 'rosenbrock', prerequisites: ['quadratic'] }), 'curriculum.tasks must not have prerequisites in a cycle (got "quadratic, rosenbrock")'],
      [{ curriculum: { steps: { min: 50, max: 10 } } }, 'curriculum.steps.max must be at least curriculum.steps.min (50) (got 10)'],
      [{ curriculum: { steps: { min: 50, max: 0 } } }, 'curriculum.steps.max must be an integer from 1 to 100000 (got 0)'],
      [{ curriculum: { tasks: [{ task: 'quadratic' }], tasksPerGeneration: 2 } }, 'curriculum.tasksPerGeneration must be at most 1 (the number of curriculum.tasks) (got 2)'],
      [{ curriculum: { heldOut: ['iris', 'iris:logistic'] } }, 'curriculum.heldOut[1] must be unique (it is curriculum.heldOut[0]) (got "iris:logistic")'],
      [{ population: 15 }, 'population must be at least 16 (species.targetSpecies × (species.elitism + 1)), so that each species can breed a child besides its elites (got 15)'],
      [{ species: { thresholdMin: 5 } }, 'species.thresholdInitial must be at least species.thresholdMin (5) (got 3)'],
      [{ surrogate: { guided: 0.5, crossSpecies: 0.3, filtered: 0.4 } }, 'surrogate.filtered must leave surrogate.guided + surrogate.crossSpecies + surrogate.filtered at most 1 (they sum to 1.2) (got 0.4)'],
      [{ surrogate: { invalidShareMax: 0.3 } }, 'surrogate.invalidShareMax must be a number from 0 to 0.2 (got 0.3)'],
    ];
    for (const [json, expected] of cases) expect(refused(json), JSON.stringify(json)).toBe(expected);
    expect(resolve({ population: 8, species: { elitism: 0 } }).population).toBe(8);
  });
});

describe('the defects of issue 10', () => {
  it('refuses keys named after members of Object.prototype as unknown keys, with their path', () => {
    // Values today's merge accepted for each (and wrote to config.json).
    for (const [key, value] of [['constructor', '[]'], ['toString', '[]'], ['hasOwnProperty', '[]'], ['__proto__', '{}']]) {
      expect(refused(JSON.parse(`{"${key}": ${value}}`))).toBe(`${key} is not a known key (got "${key}")`);
      expect(refused(JSON.parse(`{"species": {"${key}": ${value}}}`))).toBe(`species.${key} is not a known key (got "${key}")`);
      expect(refused(JSON.parse(`{"curriculum": {"unlock": {"${key}": ${value}}}}`))).toBe(`curriculum.unlock.${key} is not a known key (got "${key}")`);
      const stored = JSON.parse(`{"${key}": ${value}}`) as Record<string, unknown>;
      Object.assign(stored, JSON.parse(JSON.stringify(DEFAULT_CONFIG)));
      expect(message(() => parseConfig(stored, 'config.json', machine))).toBe(`config.json: ${key} is not a known key (got "${key}")`);
    }
  });

  it('gives every species and capGrowth key a range', () => {
    expect(refused({ species: { targetSpecies: -5 } })).toBe('species.targetSpecies must be an integer from 1 to 1000 (got -5)');
    expect(refused({ species: { survivalThreshold: 5 } })).toBe('species.survivalThreshold must be a number from 0 to 1 (got 5)');
    expect(refused({ species: { elitism: -1 } })).toBe('species.elitism must be an integer from 0 to 1000 (got -1)');
    expect(refused({ species: { targetSpecies: 2.5 } })).toBe('species.targetSpecies must be an integer from 1 to 1000 (got 2.5)');
    expect(refused({ capGrowth: { nodes: -1 } })).toBe('capGrowth.nodes must be a number from 0 to 1024 (got -1)');
    expect(refused({ capGrowth: { edges: -1 } })).toBe('capGrowth.edges must be a number from 0 to 131072 (got -1)');
  });

  it('refuses a held-out task that is also a training task, comparing the tasks themselves', () => {
    expect(refused({ curriculum: { heldOut: ['quadratic'] } })).toBe('curriculum.heldOut[0] must not also be a training task (it is curriculum.tasks[0].task) (got "quadratic")');
    // rosenbrock is rosenbrock:moved; classification draws its variant, so it may be spirals.
    expect(refused({ curriculum: { heldOut: ['quadratic-split', 'rosenbrock:moved'] } })).toBe('curriculum.heldOut[1] must not also be a training task (it is curriculum.tasks[2].task) (got "rosenbrock:moved")');
    expect(refused({ curriculum: { tasks: [{ task: 'classification' }], heldOut: ['classification:spirals'] } })).toBe('curriculum.heldOut[0] must not also be a training task (it is curriculum.tasks[0].task) (got "classification:spirals")');
    expect(resolve({ curriculum: { heldOut: ['rosenbrock:fixed'] } }).curriculum.heldOut).toEqual(['rosenbrock:fixed']);
  });

  it('reports an unknown curriculum task before any relation between keys', () => {
    const expected = `curriculum.tasks[0].task ${oneOfTasks} (got "nope")`;
    expect(refused({ curriculum: { tasks: [{ task: 'nope' }] } })).toBe(expected);
    expect(refused({ curriculum: { tasks: [{ task: 'nope', prerequisites: ['x'] }], tasksPerGeneration: 4 } })).toBe(expected);
    expect(refused({}, { tasks: ['nope'] })).toBe(expected);
  });

  it('takes at most the available parallelism in workers, unless forced', () => {
    const atMost = (n: number): string => `workers must be at most 2, the available parallelism of this machine (--force-workers allows up to 256) (got ${n})`;
    expect(refused({}, { workers: 256 })).toBe(atMost(256));
    expect(refused({ workers: 3 })).toBe(atMost(3));
    expect(resolveConfig({}, { workers: 256 }, { ...machine, forceWorkers: true }).workers).toBe(256);
    expect(message(() => resolveConfig({}, { workers: 257 }, { ...machine, forceWorkers: true }))).toBe('workers must be an integer from 1 to 256 (got 257)');
    expect(message(() => checkWorkers(3, '--workers', machine))).toBe(atMost(3).replace(/^workers/, '--workers'));
    expect(message(() => checkWorkers(0, '--workers', machine))).toBe('--workers must be an integer from 1 to 256 (got 0)');
    expect(message(() => parseConfig({ ...DEFAULT_CONFIG, workers: 4 }, 'config.json', machine))).toBe(`config.json: ${atMost(4)}`);
    // The default never asks for more than the machine has.
    expect(resolveConfig({}, {}, { availableParallelism: 1 }).workers).toBe(1);
  });
});

describe('resolveConfig', () => {
  it('merges a config file over the defaults, objects key by key and arrays whole, then the overrides', () => {
    const config = resolve(
      { seed: 9, population: 40, species: { elitism: 2 }, curriculum: { tasks: [{ task: 'linreg-8' }, { task: 'rosenbrock', prerequisites: ['linreg-8'] }], steps: { max: 90 } } },
      { seed: 11, generations: 5, timeLimitMs: 1000 },
    );
    expect(config.seed).toBe(11);
    expect(config.population).toBe(40);
    expect(config.generations).toBe(5);
    expect(config.timeLimitMs).toBe(1000);
    expect(config.species).toEqual({ ...DEFAULT_CONFIG.species, elitism: 2 });
    expect(config.curriculum.tasks).toEqual([{ task: 'linreg-8', prerequisites: [] }, { task: 'rosenbrock', prerequisites: ['linreg-8'] }]);
    expect(config.curriculum.steps).toEqual({ min: 40, max: 90 });
  });

  it('adapts the defaults a config file leaves out to what it sets, and checks what it sets as given', () => {
    const one = resolve({ curriculum: { tasks: [{ task: 'glyphs' }] } });
    expect(one.curriculum.tasksPerGeneration).toBe(1);
    expect(one.curriculum.heldOut).toEqual(['iris:logistic', 'iris:mlp', 'glyphs:4', 'sequence']);
    const flags = resolve({ curriculum: { tasksPerGeneration: 3 } }, { tasks: ['sequence', 'iris'] });
    expect(flags.curriculum.tasks).toEqual([{ task: 'sequence', prerequisites: [] }, { task: 'iris', prerequisites: [] }]);
    expect(flags.curriculum.tasksPerGeneration).toBe(2);
    expect(flags.curriculum.heldOut).toEqual(['iris:mlp', 'glyphs', 'glyphs:4']);
    expect(refused({ curriculum: { heldOut: ['iris'] } }, { tasks: ['iris:logistic'] })).toBe('curriculum.heldOut[0] must not also be a training task (it is curriculum.tasks[0].task) (got "iris")');
  });
});

describe('parseConfig', () => {
  it('reads back what resolveConfig gives, and needs every key', () => {
    const config = resolve({ seed: 4, curriculum: { heldOut: ['iris:mlp'] } });
    expect(parseConfig(JSON.parse(JSON.stringify(config)), 'config.json', machine)).toEqual(config);
    const stored = JSON.parse(JSON.stringify(config)) as { species: Partial<EvolveConfig['species']> };
    delete stored.species.elitism;
    expect(message(() => parseConfig(stored, 'config.json', machine))).toBe('config.json: species.elitism is required');
    expect(message(() => parseConfig(5, 'run/checkpoint.msgpack: config', machine))).toBe('run/checkpoint.msgpack: config must be an object (got 5)');
    expect(message(() => parseConfig({ ...config, population: 10 }, 'config.json', machine))).toMatch(/^config\.json: population must be at least 16 /);
  });
});

describe('configDifferences', () => {
  it('names each differing field by its dotted path, in schema order, arrays compared by value', () => {
    const a = resolve({});
    const b = resolve({ seed: 2, curriculum: { steps: { max: 81 }, tasks: DEFAULT_CONFIG.curriculum.tasks.slice(0, 4) }, species: { elitism: 0 } });
    expect(configDifferences(a, b)).toEqual([
      { field: 'seed', a: 1, b: 2 },
      { field: 'curriculum.tasks', a: a.curriculum.tasks, b: b.curriculum.tasks },
      { field: 'curriculum.steps.max', a: 80, b: 81 },
      { field: 'species.elitism', a: 1, b: 0 },
    ]);
    expect(configDifferences(a, JSON.parse(JSON.stringify(a)) as EvolveConfig)).toEqual([]);
  });
});

it('docs/config.md is generated from the schema (npm run docs:config)', () => {
  expect(readFileSync(CONFIG_DOC_PATH, 'utf8')).toBe(renderConfigDoc());
});
