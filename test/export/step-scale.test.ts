// withStepScale (src/genome/step-scale.ts): a genome with its step-size scale built in runs to the
// same bits as the genome run at that scale by the host, on analytic problems (src/tasks/problem.ts)
// and on a model task (the engine's trainTask); and `l2l export RUN#ID` takes a front member of a
// real run with its scale.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { Engine } from '../../src/engine/engine.ts';
import { readFront } from '../../src/evolve/rundir.ts';
import { genomeFromJSON } from '../../src/genome/codec.ts';
import { withStepScale } from '../../src/genome/step-scale.ts';
import { problem } from '../../src/optimizer/problems.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { runProblem } from '../../src/tasks/problem.ts';
import { scaleValue } from '../../src/tasks/scale.ts';
import { trainModel } from '../../src/tasks/train.ts';
import { dataset, mlp } from '../tasks/model-fixtures.ts';
import { makeRun, smallConfig } from '../report/fixture.ts';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await Engine.create();
  dir = mkdtempSync(join(tmpdir(), 'l2l-step-scale-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The command line in process: exit code, stdout and stderr. */
async function l2l(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

const SEEDS = ['sgd', 'adam', 'lion', 'adafactor', 'rprop', 'lookahead-adam'];
const SCALES = [-4, -1, 1, 3].map(scaleValue);

describe('withStepScale', () => {
  it('gives the host-scaled run bit for bit on analytic problems', () => {
    for (const name of SEEDS) {
      const genome = seedByName(name).build();
      for (const scale of SCALES) {
        for (const p of ['quadratic', 'rosenbrock']) {
          const options = { steps: 60, batchSize: 1, seed: 3 };
          const host = runProblem(engine, genome, problem(p), { ...options, scale });
          const built = runProblem(engine, withStepScale(genome, scale), problem(p), options);
          const where = `${name} at scale ${scale} on ${p}`;
          expect(built.outcome, where).toEqual(host.outcome);
          expect(Array.from(built.trainLoss), where).toEqual(Array.from(host.trainLoss));
          expect(host.parameters, where).toBeDefined();
          expect(Array.from(built.parameters ?? []), where).toEqual(Array.from(host.parameters ?? []));
        }
      }
    }
  });

  it('gives the host-scaled run bit for bit on a model task (the engine scales there)', () => {
    const model = mlp(4, 8, 2, 'tanh', 'identity', 'mse');
    const train = dataset(200, 4, 2, 1);
    const validation = dataset(50, 4, 2, 2);
    for (const name of ['adam', 'rmsprop']) {
      const genome = seedByName(name).build();
      const scale = scaleValue(2);
      const options = { steps: 40, batchSize: 16, seed: 5 };
      const host = trainModel(engine, genome, model, train, validation, { ...options, scale });
      const built = trainModel(engine, withStepScale(genome, scale), model, train, validation, options);
      expect(Array.from(built.trainLoss), name).toEqual(Array.from(host.trainLoss));
      expect(built.validationLoss, name).toBe(host.validationLoss);
    }
  });

  it('leaves a genome at scale 1 as it is and refuses a scale that is not above 0', () => {
    const adam = seedByName('adam').build();
    expect(withStepScale(adam, 1)).toBe(adam);
    expect(() => withStepScale(adam, 0)).toThrow(RangeError);
    expect(() => withStepScale(adam, Number.NaN)).toThrow(RangeError);
  });
});

describe('l2l export RUN#ID', () => {
  it('exports a front member of a real run with its scale, and names a missing id', async () => {
    const run = await makeRun(join(dir, 'run'), smallConfig({ generations: 2 }));
    const front = readFront(run, 1).front;
    const member = front.find((m) => m.scale !== 0) ?? front[0];
    if (member === undefined) throw new Error('the run has an empty front');
    const out = await l2l('export', `${run}#${member.id}`, '--format', 'json');
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(`genome #${member.id} from ${run}, front of generation 1`);
    const expected = withStepScale(member.genome, scaleValue(member.scale));
    expect(genomeFromJSON(out.stdout)).toEqual(expected);
    const missing = await l2l('export', `${run}#999999`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('genome must be the id of a genome on one of the run\'s fronts');
  });
});
