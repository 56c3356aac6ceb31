// The browser page's computation (src/browser/evaluate.ts) in Node, against the command line: the
// report the page's worker makes for a seed, a task and a run seed is the report `l2l eval --json`
// prints, loss for loss (Object.is on every double); a genome file gives what its seed gives; a
// learner task's per-episode scores average to the evaluation's mean score; bad input is refused.

import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateRequest, seedChoices, taskChoices, type EvalAnswer } from '../../src/browser/evaluate.ts';
import { runCli } from '../../src/cli/main.ts';
import { Engine } from '../../src/engine/engine.ts';
import { genomeToJSON, genomeToMsgpack } from '../../src/genome/codec.ts';
import { seedByName } from '../../src/seeds/index.ts';
import type { EvalReport } from '../../src/tasks/report.ts';
import { InputError } from '../../src/util/errors.ts';

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.create();
});

async function cliEval(args: string[]): Promise<EvalReport> {
  let out = '';
  const code = await runCli(['eval', ...args, '--json'], { stdout: (s) => { out += s; }, stderr: () => undefined });
  expect(code).toBe(0);
  return JSON.parse(out) as EvalReport;
}

function sameDoubles(a: readonly number[], b: readonly number[]): void {
  expect(a.length).toBe(b.length);
  const differ = a.findIndex((x, i) => !Object.is(x, b[i]));
  expect(differ, `first difference at step ${differ}: ${a[differ]} vs ${b[differ]}`).toBe(-1);
}

function report(answer: EvalAnswer): EvalReport {
  if (answer.role !== 'optimizer') throw new Error(`expected an optimizer answer, got ${answer.role}`);
  return answer.report;
}

describe('the page computes what l2l eval computes', () => {
  it.each([
    ['adam', 'rosenbrock', 3, 40],
    ['sgd', 'iris:mlp', 7, 25],
  ])('seed:%s on %s, run seed %i, %i steps', async (seed, task, runSeed, steps) => {
    const page = report(evaluateRequest(engine, { genome: { kind: 'seed', name: seed }, task, runSeed, steps }));
    const cli = await cliEval([`seed:${seed}`, '--task', task, '--seed', String(runSeed), '--steps', String(steps)]);
    expect(page.trainLoss.length).toBe(steps + 1);
    sameDoubles(page.trainLoss, cli.trainLoss);
    expect(page.dataSeed).toBe(cli.dataSeed);
    expect(page.episodeSeed).toBe(cli.episodeSeed);
    expect(page.status).toBe(cli.status);
    expect(page.genome).toBe(cli.genome);
    // The curve goes somewhere: a page that drew a constant would not pass.
    expect(page.finalLoss).toBeLessThan(page.initialLoss);
  });

  it('a genome file, JSON or msgpack, gives what its seed gives', () => {
    const text = genomeToJSON(seedByName('rmsprop').build({}));
    const fromFile = report(evaluateRequest(engine, { genome: { kind: 'file', name: 'rmsprop.json', text }, task: 'quadratic', runSeed: 1, steps: 20 }));
    const fromSeed = report(evaluateRequest(engine, { genome: { kind: 'seed', name: 'rmsprop' }, task: 'quadratic', runSeed: 1, steps: 20 }));
    sameDoubles(fromFile.trainLoss, fromSeed.trainLoss);
    const bytes = genomeToMsgpack(seedByName('rmsprop').build({}));
    const fromMsgpack = report(evaluateRequest(engine, { genome: { kind: 'file', name: 'rmsprop.msgpack', bytes }, task: 'quadratic', runSeed: 1, steps: 20 }));
    sameDoubles(fromMsgpack.trainLoss, fromSeed.trainLoss);
    expect(() => evaluateRequest(engine, { genome: { kind: 'file', name: 'bad.msgpack', bytes: new Uint8Array([0xc1]) }, task: 'quadratic', runSeed: 1, steps: 20 })).toThrow(/genome/);
  });

  it('a learner task gives a score per episode whose mean is the evaluation\'s mean score', () => {
    const answer = evaluateRequest(engine, { genome: { kind: 'learner-seed', name: 'delta' }, task: 'bandit', runSeed: 2, steps: 6 });
    if (answer.role !== 'learner') throw new Error('expected a learner answer');
    expect(answer.scores.length).toBe(6);
    const task = answer.evaluation.tasks[0];
    if (task?.status !== 'ok') throw new Error(`the learner task was not scored: ${JSON.stringify(task)}`);
    // runLearnerTask sums the scores in episode order and divides, as this does.
    const mean = answer.scores.reduce((s, x) => s + x, 0) / answer.scores.length;
    expect(mean).toBe(task.metrics.validationLoss);
    expect(new Set(answer.scores).size).toBeGreaterThan(1);
  });

  it('offers every seed and task, and refuses bad input naming the field', () => {
    expect(seedChoices().optimizer).toContain('adam');
    expect(seedChoices().learner).toContain('delta');
    expect(taskChoices().optimizer).toContain('classification:spirals');
    expect(taskChoices().learner).toContain('bandit');
    const bad = (f: () => unknown, field: string): void => {
      let caught: unknown;
      try {
        f();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InputError);
      expect((caught as InputError).message).toContain(field);
    };
    bad(() => evaluateRequest(engine, { genome: { kind: 'seed', name: 'nope' }, task: 'quadratic', runSeed: 0 }), 'seed');
    bad(() => evaluateRequest(engine, { genome: { kind: 'learner-seed', name: 'nope' }, task: 'bandit', runSeed: 0 }), 'learner seed');
    bad(() => evaluateRequest(engine, { genome: { kind: 'seed', name: 'adam' }, task: 'quadratic', runSeed: 0, steps: 0 }), 'steps');
    bad(() => evaluateRequest(engine, { genome: { kind: 'seed', name: 'adam' }, task: 'nope', runSeed: 0 }), 'tasks[0]');
    bad(() => evaluateRequest(engine, { genome: { kind: 'seed', name: 'adam' }, task: 'quadratic', runSeed: -1 }), 'run seed');
  });
});
