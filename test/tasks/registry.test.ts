// The task registry and the seed hashes: references, settings, instances, derived seeds.
import { describe, expect, it } from 'vitest';
import { makePlan, parameterCount } from '../../src/tasks/evaluate.ts';
import { buildTask, OBJECTIVES, OPTIMIZER_TASKS, parseTaskRef, taskSettings, TASK_NAMES, TASKS } from '../../src/tasks/registry.ts';
import { LEARNER_TASKS } from '../../src/learner/tasks.ts';
import { dataSeed, episodeSeed, hashString, hashWords } from '../../src/tasks/seeds.ts';

describe('task registry', () => {
  it('lists the tasks of issue 4 with description, objectives and defaults', () => {
    expect(OPTIMIZER_TASKS.map((t) => t.name)).toEqual(['regression', 'classification', 'iris', 'linreg-8', 'glyphs', 'sequence', 'quadratic', 'quadratic-noisy', 'quadratic-split', 'rosenbrock']);
    // Then the learner role's (src/learner/tasks.ts), each once.
    expect(TASK_NAMES.slice(OPTIMIZER_TASKS.length)).toEqual(LEARNER_TASKS.map((t) => t.name));
    expect(new Set(TASK_NAMES).size).toBe(TASK_NAMES.length);
    for (const t of TASKS) {
      expect(t.description.length).toBeGreaterThan(10);
      expect(t.objectives).toEqual(OBJECTIVES);
      expect(Number.isInteger(t.defaults.steps) && t.defaults.steps > 0).toBe(true);
    }
    expect(TASKS.find((t) => t.name === 'linreg-8')?.defaults.steps).toBe(100);
  });

  it('builds every task and variant into an instance whose data fits its model', () => {
    const refs = TASKS.flatMap((t) => [t.name, ...t.variants.map((v) => `${t.name}:${v}`)]);
    for (const ref of refs) {
      const instance = buildTask(ref, 42);
      expect(instance.task).toBe(ref);
      expect(instance.referenceLoss).toBeGreaterThan(0);
      if (instance.kind === 'model') {
        const layers = instance.model.layers;
        expect(instance.train.features).toBe(layers[0]?.inputs);
        expect(instance.validation.targets).toBe(layers.at(-1)?.outputs);
        layers.slice(1).forEach((l, i) => expect(l.inputs).toBe(layers[i]?.outputs));
      }
      expect(parameterCount(instance)).toBeGreaterThan(0);
    }
    const regression = buildTask('regression', 1);
    if (regression.kind !== 'model') throw new Error('regression is a model task');
    expect(regression.model.layers.map((l) => [l.outputs, l.activation])).toEqual([[20, 'sin'], [20, 'tanh'], [1, 'identity']]);
    expect(regression.model.loss).toBe('mse');
    const iris = buildTask('iris', 1);
    expect(iris.kind === 'model' && iris.model.layers.length).toBe(1);
  });

  it('moves the analytic problems by the seed: the optimum is no fixed point and no fixed step from the start', () => {
    const fixed = buildTask('quadratic:fixed', 1);
    const [a, b, again] = [buildTask('quadratic', 1), buildTask('quadratic', 2), buildTask('quadratic', 1)];
    if (a.kind !== 'problem' || b.kind !== 'problem' || again.kind !== 'problem' || fixed.kind !== 'problem') throw new Error('not problems');
    expect(a.task).toBe('quadratic');
    expect(Array.from(again.problem.initial())).toEqual(Array.from(a.problem.initial()));
    expect(Array.from(b.problem.initial())).not.toEqual(Array.from(a.problem.initial()));
    for (const { problem } of [a, b]) {
      const optimum = problem.optimum();
      const gradient = new Float32Array(16);
      const noise = { next: () => 0.5, int: () => 0, uniform: (lo: number) => lo };
      expect(problem.evaluate(optimum, gradient, noise)).toBeLessThan(1e-12);
      expect(gradient.reduce((a, v) => Math.max(a, Math.abs(v)), 0)).toBeLessThan(1e-6);
      // Setting every parameter to 0, or stepping each by -1 from the start, no longer solves it.
      expect(problem.evaluate(new Float32Array(16), gradient, noise)).toBeGreaterThan(0.05);
      expect(problem.evaluate(problem.initial().map((x) => x - 1), gradient, noise)).toBeGreaterThan(0.05);
    }
    expect(fixed.problem.evaluate(new Float32Array(16), new Float32Array(16), { next: () => 0.5, int: () => 0, uniform: (lo: number) => lo })).toBe(0);
    const rosenbrock = buildTask('rosenbrock', 3);
    if (rosenbrock.kind !== 'problem') throw new Error('not a problem');
    expect(Array.from(rosenbrock.problem.optimum())).not.toEqual([1, 1]);
    expect(rosenbrock.problem.evaluate(rosenbrock.problem.optimum(), new Float32Array(2), { next: () => 0.5, int: () => 0, uniform: (lo: number) => lo })).toBeLessThan(1e-9);
  });

  it('names the field and the rule on a bad reference or setting', () => {
    expect(() => parseTaskRef('mnist')).toThrow(`task must be one of ${TASK_NAMES.join(', ')} (got "mnist")`);
    expect(() => parseTaskRef('iris:svm', 'tasks[2]')).toThrow('tasks[2] must name a variant of iris: iris:logistic, iris:mlp (got "iris:svm")');
    expect(() => parseTaskRef('linreg-8:x')).toThrow('task must not name a variant (linreg-8 has none) (got "linreg-8:x")');
    expect(() => parseTaskRef('rosenbrock:x')).toThrow('task must name a variant of rosenbrock: rosenbrock:moved, rosenbrock:fixed (got "rosenbrock:x")');
    expect(() => taskSettings(parseTaskRef('regression'), { steps: 0 })).toThrow('settings.steps must be an integer from 1 to 100000 (got 0)');
    expect(() => makePlan(0, 0, [{ task: 'iris', batchSize: 1.5 }])).toThrow('tasks[0].batchSize must be an integer from 1 to 4096 (got 1.5)');
    expect(makePlan(0, 0, ['iris', { task: 'regression', steps: 7 }]).tasks).toEqual([
      { task: 'iris', steps: 100, batchSize: 16 },
      { task: 'regression', steps: 7, batchSize: 32 },
    ]);
  });
});

describe('seeds', () => {
  it('hash as documented: FNV-1a strings and fixed golden values', () => {
    // FNV-1a 32-bit of "" and "a": the offset basis and the published test vector 0xe40c292c.
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    // Golden values: a change here changes every run's data and episodes.
    expect(hashWords([1, 2, 3])).toBe(hashWords([1, 2, 3]));
    expect(dataSeed({ runSeed: 0, generation: 0, task: 'regression' })).toBe(3245018759);
    expect(episodeSeed({ runSeed: 0, generation: 0, genomeId: 0, task: 'regression' })).toBe(2668559484);
    expect(dataSeed({ runSeed: 0, generation: 0, task: 'rosenbrock' })).toBe(31937681);
  });

  it('depend on every part of the path, and data seeds not on the genome', () => {
    const base = { runSeed: 7, generation: 3, genomeId: 11, task: 'iris' };
    const seeds = [
      episodeSeed(base),
      episodeSeed({ ...base, runSeed: 8 }),
      episodeSeed({ ...base, runSeed: 7 + 2 ** 32 }),
      episodeSeed({ ...base, generation: 4 }),
      episodeSeed({ ...base, genomeId: 12 }),
      episodeSeed({ ...base, task: 'iris:mlp' }),
      dataSeed(base),
    ];
    expect(new Set(seeds).size).toBe(seeds.length);
    expect(hashWords([1, 2])).not.toBe(hashWords([2, 1]));
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});
