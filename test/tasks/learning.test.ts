// The learning check (src/tasks/learning.ts, docs/tasks.md "Learning"): every seed is a learner;
// updates that ignore the gradient, the parameter or both are non-learners with their own reason,
// in evolution (evaluateGenome, which skips their training) and in `l2l eval` (runTask) alike; the
// probe abstains when the engine cannot run the genome cleanly, and then the tasks decide.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { EngineError } from '../../src/engine/errors.ts';
import * as S from '../../src/engine/status.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome } from '../../src/genome/types.ts';
import { OPTIMIZER_INPUTS, OPTIMIZER_OUTPUTS } from '../../src/optimizer/role.ts';
import { EvaluationPool } from '../../src/pool/pool.ts';
import { SEED_NAMES, seedByName } from '../../src/seeds/index.ts';
import { evaluateGenome, makePlan, runTask } from '../../src/tasks/evaluate.ts';
import { checkLearning, inputReach, MAX_PROBE_TICKS, NON_LEARNER_MESSAGES, probeTicks } from '../../src/tasks/learning.ts';
import { PENALTY, type GenomeEvaluation } from '../../src/tasks/metrics.ts';
import { INACTIVE_STEPS } from '../../src/tasks/problem.ts';
import { buildTask, parseTaskRef, taskSettings } from '../../src/tasks/registry.ts';
import { reportTask } from '../../src/tasks/report.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const G = 0; // input node keys are the slots
const P = 1;
const PREVIOUS_LOSS = 3;
const STEP = 4;
const OUT = 6;

/** An optimizer genome in its JSON form: the role's input nodes 0-5, an identity output 6, and these. */
function optimizer(name: string, edges: Record<string, unknown>[], hidden: Record<string, unknown>[] = [], maxDelay = 2): Genome {
  const nodes: Record<string, unknown>[] = OPTIMIZER_INPUTS.map((_, slot) => ({ key: slot, role: 'input', slot }));
  nodes.push({ key: OUT, role: 'output', slot: 0, op: 'identity' }, ...hidden);
  return parseGenome({
    format: 'l2l-genome', version: 1, name, inputs: OPTIMIZER_INPUTS, outputs: OPTIMIZER_OUTPUTS, maxDelay, nodes,
    edges: edges.map((e, i) => ({ key: 100 + i, ...e })),
  });
}

/** Adam with every edge disabled: every node computes from zeros, so every parameter becomes 0. */
function allEdgesDisabled(): Genome {
  const adam = seedByName('adam').build();
  return { ...adam, edges: adam.edges.map((e) => ({ ...e, enabled: false })) };
}

const NON_LEARNERS: [string, () => Genome, 'gradient' | 'parameter' | 'both'][] = [
  ['every edge disabled (Adam\'s graph)', allEdgesDisabled, 'both'],
  ['p\' = 0.5 previousLoss', () => optimizer('loss', [{ source: PREVIOUS_LOSS, target: OUT, weight: 0.5 }]), 'both'],
  ['p\' = -0.1 g through a delay-2 edge', () => optimizer('delayed-g', [{ source: G, target: OUT, weight: -0.1, delay: 2 }]), 'parameter'],
  ['p\' = p', () => optimizer('identity', [{ source: P, target: OUT }]), 'gradient'],
  ['p\' = 0.7', () => optimizer('constant', [{ source: 10, target: OUT }], [{ key: 10, op: 'const', attrs: [0.7] }]), 'both'],
  ['plain gradient descent with learning rate 0', () => seedByName('sgd').build({ lr: 0 }), 'gradient'],
  ['p\' = p + 0.01 step (moves, but not by the gradient)', () => optimizer('drift', [{ source: P, target: OUT }, { source: STEP, target: OUT, weight: 0.01 }]), 'gradient'],
];

describe('the learning check', () => {
  it.each(SEED_NAMES)('finds seed %s a learner', (name) => {
    expect(checkLearning(engine, seedByName(name).build())).toMatchObject({ verdict: 'learner', ticks: INACTIVE_STEPS + 2 });
  });

  it.each(NON_LEARNERS)('finds %s a non-learner that ignores the %s', (_, genome, ignores) => {
    expect(checkLearning(engine, genome())).toMatchObject({ verdict: 'non_learner', ignores, message: NON_LEARNER_MESSAGES[ignores] });
  });

  it('says which input is ignored in the message', () => {
    expect(NON_LEARNER_MESSAGES).toEqual({
      gradient: 'the update ignores the gradient',
      parameter: 'the update ignores the parameter',
      both: 'the update ignores both the gradient and the parameter',
      feedback: 'the learner ignores its feedback: its outputs on the probes are the same with reward and errors held at 0',
    });
  });

  it('finds learners whose gradient arrives late: through a delay-2 edge, after a gate opens at step 9, through two delay-8 edges', () => {
    const delayed = optimizer('delayed-sgd', [{ source: P, target: OUT }, { source: G, target: OUT, weight: -0.1, delay: 2 }]);
    expect(checkLearning(engine, delayed)).toMatchObject({ verdict: 'learner' });
    // p' = select(step > 8, p - 0.1 g, p): moves from update 9, inside the inactive check's window.
    const gated = optimizer('gated-sgd', [
      { source: STEP, target: 10, port: 0 }, { source: 11, target: 10, port: 1 },
      { source: 10, target: 13, port: 0 }, { source: 12, target: 13, port: 1 }, { source: P, target: 13, port: 2 },
      { source: P, target: 12 }, { source: G, target: 12, weight: -0.1 }, { source: 13, target: OUT },
    ], [{ key: 10, op: 'gt' }, { key: 11, op: 'const', attrs: [8] }, { key: 12, op: 'identity' }, { key: 13, op: 'select' }]);
    expect(checkLearning(engine, gated)).toMatchObject({ verdict: 'learner' });
    const chain = optimizer('chained-sgd', [
      { source: P, target: OUT }, { source: G, target: 10, delay: 8 }, { source: 10, target: OUT, weight: -0.1, delay: 8 },
    ], [{ key: 10, op: 'identity' }], 8);
    expect(inputReach(chain, G)).toBe(16);
    expect(probeTicks(chain)).toBe(INACTIVE_STEPS + 16 + 8 + 1);
    expect(checkLearning(engine, chain)).toMatchObject({ verdict: 'learner', ticks: 35 });
  });

  it('runs past INACTIVE_STEPS, the longest delay and the latest input, within MAX_PROBE_TICKS', () => {
    const adam = seedByName('adam').build();
    expect(inputReach(adam, G)).toBe(0);
    expect(probeTicks(adam)).toBe(INACTIVE_STEPS + adam.maxDelay + 1);
    expect(inputReach(allEdgesDisabled(), G)).toBeUndefined();
    // A path the probe could not follow to its end: each delay-8 hop in a row of ten.
    const hops = Array.from({ length: 10 }, (_, i) => ({ source: i === 0 ? G : 10 + i - 1, target: i === 9 ? OUT : 10 + i, delay: 8 }));
    const long = optimizer('long', [{ source: P, target: OUT }, ...hops], Array.from({ length: 9 }, (_, i) => ({ key: 10 + i, op: 'identity' })), 8);
    expect(inputReach(long, G)).toBeUndefined();
    expect(probeTicks(long)).toBe(INACTIVE_STEPS + 8 + 1);
    expect(inputReach(long, G, 80)).toBe(80);
    expect(MAX_PROBE_TICKS).toBeLessThan(80);
  });

  it('gives the same verdict every time, whatever the engine ran before', () => {
    const genome = NON_LEARNERS[2]![1]();
    const first = checkLearning(engine, genome);
    checkLearning(engine, seedByName('lion').build());
    expect(checkLearning(engine, genome)).toEqual(first);
  });
});

describe('when the probe cannot decide', () => {
  it('abstains when the base run goes non-finite', () => {
    // A hidden node squares exp(80) = 5.5e34: infinite in float32 in tick 1, whatever the inputs.
    const blowUp = optimizer('blow-up', [
      { source: P, target: OUT }, { source: G, target: OUT, weight: -0.1 }, { source: 10, target: 11 }, { source: 11, target: 12 },
    ], [{ key: 10, op: 'const', attrs: [80] }, { key: 11, op: 'exp' }, { key: 12, op: 'square' }]);
    expect(checkLearning(engine, blowUp)).toEqual({ verdict: 'undecided', ticks: INACTIVE_STEPS + 3, why: 'the base run ended non-finite in tick 1' });
  });

  it('abstains when the work passes the probe\'s budget (workLimit x ticks x lanes)', () => {
    const identity = NON_LEARNERS[3]![1]();
    expect(checkLearning(engine, identity, { workLimit: 0.01 })).toMatchObject({ verdict: 'undecided', why: 'the base run ended work-limit in tick 1' });
    expect(checkLearning(engine, identity, { workLimit: 100 })).toMatchObject({ verdict: 'non_learner' });
  });

  it('abstains when the engine refuses the genome, and the task reports the engine error', () => {
    const refusing = { load: () => { throw new EngineError(S.OUT_OF_MEMORY, 0, 0); } } as unknown as Engine;
    const identity = NON_LEARNERS[3]![1]();
    expect(checkLearning(refusing, identity)).toMatchObject({ verdict: 'undecided', why: 'the engine refused the genome' });
    const result = evaluateGenome(refusing, identity, 1, makePlan(0, 0, ['quadratic']));
    expect(result).toMatchObject({ status: 'invalid', reason: 'engine_error', code: 'out_of_memory' });
  });
});

function withoutWallTime(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'wallTimeMs' ? undefined : v)));
}

describe('non_learner in evaluations', () => {
  const plan = makePlan(3, 1, ['linreg-8', 'quadratic', { task: 'iris:mlp', steps: 20 }]);

  it('marks every task non_learner with its message and penalty, without training', () => {
    let trained = 0;
    const counting = new Proxy(engine, {
      get: (target, key) => {
        if (key === 'train') trained++;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const result = evaluateGenome(counting, NON_LEARNERS[2]![1](), 4, plan);
    expect(trained).toBe(0);
    const message = 'the update ignores the parameter';
    expect(result).toMatchObject({ status: 'invalid', reason: 'non_learner', task: 'linreg-8', penalty: PENALTY.non_learner, message });
    expect(result.tasks.map((t) => (t.status === 'invalid' ? [t.task, t.reason, t.message] : t.status)))
      .toEqual(plan.tasks.map((t) => [t.task, 'non_learner', message]));
    expect(evaluateGenome(counting, seedByName('adam').build(), 4, plan).status).toBe('ok');
    expect(trained).toBe(2);
  });

  it('comes before the task\'s checks: p\' = -1e30 g ignores the parameter and is non_learner, not non_finite', () => {
    const huge = optimizer('huge', [{ source: G, target: OUT, weight: -1e30 }]);
    const instance = buildTask('quadratic', 2);
    const settings = taskSettings(parseTaskRef('quadratic'));
    const { run, result } = runTask(engine, huge, instance, settings, 5);
    expect(run?.outcome.status).toBe('non_finite');
    expect(result).toMatchObject({ status: 'invalid', reason: 'non_learner', message: 'the update ignores the parameter' });
  });

  it('is scored the same by `l2l eval` (which still trains, to report the losses) and by evolution', () => {
    const planned = plan.tasks[0]!;
    const report = reportTask(engine, NON_LEARNERS[3]![1](), 'identity', planned, 3);
    expect(report.status).toBe('ok');
    expect(report.trainLoss).toHaveLength(planned.steps + 1);
    expect(report.result).toMatchObject({ status: 'invalid', reason: 'non_learner', message: 'the update ignores the gradient' });
    const evolved = evaluateGenome(engine, NON_LEARNERS[3]![1](), 0, makePlan(3, 0, [planned]));
    expect(withoutWallTime(evolved.tasks[0])).toEqual(withoutWallTime(report.result));
  });
});

describe('non_learner in the pool', () => {
  let one: EvaluationPool;
  let two: EvaluationPool;
  beforeAll(() => {
    one = new EvaluationPool({ workers: 1, timeLimitMs: 60_000 });
    two = new EvaluationPool({ workers: 2, timeLimitMs: 60_000 });
  });
  afterAll(async () => {
    await one.destroy();
    await two.destroy();
  });

  it('gives the same results with 1 and 2 workers, non-learners among learners', async () => {
    const candidates = [
      { id: 1, genome: seedByName('adam').build() },
      ...NON_LEARNERS.map(([, genome], i) => ({ id: 10 + i, genome: genome() })),
      { id: 2, genome: seedByName('lion').build() },
    ];
    const plan = makePlan(7, 2, ['quadratic', { task: 'linreg-8', steps: 30 }]);
    const byId = (results: GenomeEvaluation[]) => new Map(results.map((r) => [r.genomeId, withoutWallTime(r)]));
    const single = await one.evaluate(candidates, plan);
    const double = await two.evaluate([...candidates].reverse(), plan);
    expect(byId(double)).toEqual(byId(single));
    expect(single.map((r) => (r.status === 'invalid' ? r.reason : r.status))).toEqual(['ok', ...NON_LEARNERS.map(() => 'non_learner'), 'ok']);
  });
});
