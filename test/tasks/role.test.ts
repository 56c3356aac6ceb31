// Every evaluation path refuses a genome that is not in the optimizer role (docs/optimizer.md,
// Slots) at its edge, with an InputError that names `inputs` or `outputs` and the rule: runTask on
// analytic problems and on models, and evaluateGenome. An analytic task once ran a genome with a
// renamed slot, and failed on one without an output with the engine's "output slot 0 does not
// exist"; evaluateGenome once scored a refused genome as `crashed`.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome } from '../../src/genome/types.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { evaluateGenome, makePlan, runTask } from '../../src/tasks/evaluate.ts';
import { buildTask, parseTaskRef, taskSettings } from '../../src/tasks/registry.ts';
import { InputError } from '../../src/util/errors.ts';

const INPUTS = 'must be the optimizer role\'s slots gradient:lane, parameter:lane, loss:scalar, previousLoss:scalar, step:scalar, curvature:lane';

/** SGD with its gradient slot renamed. */
function renamed(): Genome {
  const g = seedByName('sgd').build();
  return { ...g, inputs: g.inputs.map((s, i) => (i === 0 ? { ...s, name: 'grad' } : s)) };
}

/** SGD without its output node (and the edges into it): a valid genome, but no optimizer. */
function withoutOutput(): Genome {
  const g = seedByName('sgd').build();
  const out = g.nodes.find((n) => n.role === 'output')?.key;
  return parseGenome({
    ...g, outputs: [], nodes: g.nodes.filter((n) => n.key !== out), edges: g.edges.filter((e) => e.target !== out && e.source !== out),
  });
}

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

function run(genome: Genome, task: string): void {
  const ref = parseTaskRef(task);
  runTask(engine, genome, buildTask(ref, 1), taskSettings(ref), 2);
}

describe('the optimizer role at every evaluation edge', () => {
  it('runTask refuses renamed input slots on analytic problems and on models, naming `inputs`', () => {
    for (const task of ['quadratic', 'rosenbrock', 'linreg-8']) {
      expect(() => run(renamed(), task), task).toThrow(new InputError('inputs', INPUTS, 'grad:lane, parameter:lane, loss:scalar, previousLoss:scalar, step:scalar, curvature:lane'));
    }
  });

  it('runTask refuses a genome without an output slot, naming `outputs` and the rule', () => {
    for (const task of ['quadratic', 'linreg-8']) {
      expect(() => run(withoutOutput(), task), task).toThrow('outputs must be the optimizer role\'s one slot "parameter" (got "")');
    }
  });

  it('evaluateGenome refuses such a genome instead of scoring it', () => {
    const plan = makePlan(0, 0, ['quadratic', 'linreg-8']);
    expect(() => evaluateGenome(engine, renamed(), 0, plan)).toThrow(/^inputs must be the optimizer role's slots/);
    expect(() => evaluateGenome(engine, withoutOutput(), 0, plan)).toThrow('outputs must be the optimizer role\'s one slot "parameter" (got "")');
  });
});
