// trainModel (src/tasks/train.ts): the whole episode in one engine call. Loss records, seeds,
// init, the curvature slot, stops on non-finite values, validation of the arguments, memory.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import type { Genome } from '../../src/genome/types.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { modelParameters, trainModel } from '../../src/tasks/train.ts';
import type { ModelSpec, TrainOptions } from '../../src/tasks/types.ts';
import { InputError } from '../../src/util/errors.ts';
import { dataset, keepParameters, mlp, oddOptimizer, prepare } from './model-fixtures.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const model = mlp(4, 8, 2, 'tanh', 'identity', 'mse');
const train = dataset(200, 4, 2, 1);
const validation = dataset(50, 4, 2, 2);
const options: TrainOptions = { steps: 60, batchSize: 16, seed: 5 };

/** new parameter = parameter * factor (through a const node: an edge weight cannot be 1e30). */
function scaleBy(factor: number): Genome {
  return oddOptimizer(`scale-${factor}`, (b) => {
    const out = b.output('mul');
    b.edge(b.parameter, out, 0);
    b.edge(b.constant(factor), out, 1);
  });
}

describe('trainModel', () => {
  it('records steps + 1 losses and runs every step', () => {
    const run = trainModel(engine, seedByName('adam').build(), model, train, validation, options);
    expect(run.outcome).toEqual({ status: 'ok' });
    expect(run.trainLoss.length).toBe(options.steps + 1);
    expect(run.stepsRun).toBe(options.steps);
    expect(run.trainLoss.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(run.validationLoss)).toBe(true);
    expect(run.parametersChanged).toBe(true);
    expect(run.stateBytesPerParameter).toBe(8); // Adam's m and v
    expect(run.workPerStepPerParameter).toBeGreaterThan(0);
    expect(run.parameters?.length).toBe(modelParameters(model));
  });

  it('is deterministic in the seed', () => {
    const adam = seedByName('adam').build();
    const a = trainModel(engine, adam, model, train, validation, options);
    const b = trainModel(engine, adam, model, train, validation, options);
    const c = trainModel(engine, adam, model, train, validation, { ...options, seed: 6 });
    expect([...b.trainLoss]).toEqual([...a.trainLoss]);
    expect(b.validationLoss).toBe(a.validationLoss);
    expect([...c.trainLoss]).not.toEqual([...a.trainLoss]);
    expect(c.trainLoss[0]).not.toBe(a.trainLoss[0]); // another init
  });

  for (const [name, hyper] of [['sgd', { lr: 0.1 }], ['adam', { lr: 0.01 }]] as const) {
    it(`seed:${name} lowers the training and validation loss on a small regression`, () => {
      const run = trainModel(engine, seedByName(name).build(hyper), model, train, validation, { ...options, steps: 200 });
      expect(run.outcome.status).toBe('ok');
      const first = run.trainLoss[0] as number;
      expect(run.trainLoss[200]).toBeLessThan(0.5 * first);
      expect(run.validationLoss).toBeLessThan(0.5 * first);
    });
  }

  it('starts from Glorot-uniform weights and zero biases; a full batch gives the full loss each step', () => {
    const run = trainModel(engine, keepParameters(), model, train, validation, { steps: 5, batchSize: train.count, seed: 3 });
    expect(run.parametersChanged).toBe(false);
    expect(new Set(run.trainLoss).size).toBe(1);
    const p = run.parameters as Float32Array;
    const w0 = p.subarray(0, 32);
    const b0 = p.subarray(32, 40);
    const w1 = p.subarray(40, 56);
    const b1 = p.subarray(56, 58);
    const bound0 = Math.sqrt(6 / (4 + 8));
    const bound1 = Math.sqrt(6 / (8 + 2));
    expect(w0.every((v) => Math.abs(v) <= bound0) && w0.some((v) => Math.abs(v) > bound0 / 2)).toBe(true);
    expect(w1.every((v) => Math.abs(v) <= bound1) && w1.some((v) => Math.abs(v) > bound1 / 2)).toBe(true);
    expect([...b0, ...b1].every((v) => v === 0)).toBe(true);
  });

  it('fills the curvature slot with z * (H z) of the step\'s minibatch', () => {
    const curvature = oddOptimizer('curvature', (b) => {
      const out = b.output('identity');
      b.edge(b.curvature, out);
    });
    const settings = { steps: 1, batchSize: 16, seed: 4 };
    const init = trainModel(engine, keepParameters(), model, train, validation, settings).parameters as Float32Array;
    const run = trainModel(engine, curvature, model, train, validation, settings);
    prepare(engine, keepParameters(), model, train, 16);
    const probe = engine.taskGradient(init, { step: 1, seed: 4, probe: true });
    const want = (probe.probe as Float64Array).map((z, i) => Math.fround(z * (probe.hessianProbe as Float64Array)[i]!));
    expect([...(run.parameters as Float32Array)]).toEqual([...want]);
    expect(want.some((v) => v !== 0)).toBe(true);
  });

  it('stops with non_finite and its step when the parameters blow up', () => {
    // Step 1 multiplies the parameters by 1e30; step 2's loss then overflows float32.
    const run = trainModel(engine, scaleBy(1e30), model, train, validation, options);
    expect(run.outcome).toEqual({ status: 'non_finite', step: 2 });
    expect(run.stepsRun).toBe(1);
    expect(run.trainLoss.length).toBe(2);
    expect(Number.isNaN(run.validationLoss)).toBe(true);
  });

  it('stops with non_finite, the step and the node when the optimizer graph overflows', () => {
    const twice = oddOptimizer('square-blowup', (b) => {
      const big = b.node('big', 'mul');
      b.edge(b.parameter, big, 0);
      b.edge(b.constant(1e30), big, 1);
      const out = b.output('mul');
      b.edge(big, out, 0);
      b.edge(b.constant(1e30), out, 1);
    });
    const blown = trainModel(engine, twice, model, train, validation, options);
    expect(blown.outcome).toEqual({ status: 'non_finite', step: 1, nodeKey: 6 });
    expect(blown.stepsRun).toBe(0);
    expect(blown.trainLoss.length).toBe(1);
  });

  it('leaves the arena bounded: a load frees the task', () => {
    const adam = seedByName('adam').build();
    trainModel(engine, adam, model, train, validation, options);
    const heap = engine.heapBytes();
    for (let i = 0; i < 5; i++) trainModel(engine, adam, model, train, validation, { ...options, seed: i });
    expect(engine.heapBytes()).toBe(heap);
  });
});

describe('trainModel argument checks', () => {
  const sgd = seedByName('sgd').build();
  const cases: [string, () => unknown, string][] = [
    ['chained layers', () => trainModel(engine, sgd, { ...model, layers: [{ inputs: 4, outputs: 8, activation: 'tanh' }, { inputs: 7, outputs: 2, activation: 'identity' }] }, train, validation, options),
      'model.layers[1].inputs must equal model.layers[0].outputs (8) (got 7)'],
    ['activation', () => trainModel(engine, sgd, { ...model, layers: [{ inputs: 4, outputs: 2, activation: 'gelu' as 'relu' }] }, train, validation, options),
      'model.layers[0].activation must be one of identity, sin, tanh, relu (got "gelu")'],
    ['loss', () => trainModel(engine, sgd, { ...model, loss: 'hinge' as 'mse' }, train, validation, options),
      'model.loss must be one of mse, softmax-cross-entropy (got "hinge")'],
    ['no layers', () => trainModel(engine, sgd, { ...model, layers: [] }, train, validation, options),
      'model.layers must hold 1 to 16 layers (got 0)'],
    ['features', () => trainModel(engine, sgd, model, dataset(10, 3, 2, 1), validation, options),
      'train.features must equal model.layers[0].inputs (4) (got 3)'],
    ['targets', () => trainModel(engine, sgd, model, train, dataset(10, 4, 3, 1), options),
      'validation.targets must equal the last layer\'s outputs (2) (got 3)'],
    ['length', () => trainModel(engine, sgd, model, { ...train, x: train.x.subarray(1) }, validation, options),
      'train.x must hold count x features = 800 values (got 799)'],
    ['finite data', () => trainModel(engine, sgd, model, { ...train, y: train.y.map((v, i) => (i === 3 ? Number.NaN : v)) }, validation, options),
      'train.y[3] must be a finite number (got NaN)'],
    ['steps', () => trainModel(engine, sgd, model, train, validation, { ...options, steps: 0 }),
      'options.steps must be an integer from 1 to 1000000 (got 0)'],
    ['batch', () => trainModel(engine, sgd, model, train, validation, { ...options, batchSize: 201 }),
      'options.batchSize must be an integer from 1 to 200 (got 201)'],
    ['seed', () => trainModel(engine, sgd, model, train, validation, { ...options, seed: -1 }),
      'options.seed must be an integer from 0 to 9007199254740991 (got -1)'],
    ['role', () => trainModel(engine, { ...sgd, outputs: [{ name: 'update' }] }, model, train, validation, options),
      'outputs must be the optimizer role\'s one slot "parameter" (got "update")'],
  ];
  for (const [name, call, message] of cases) {
    it(name, () => {
      expect(call).toThrow(InputError);
      expect(call).toThrow(message);
    });
  }

  it('the engine refuses a task that does not fit the loaded lane groups', () => {
    const other: ModelSpec = mlp(4, 3, 2, 'tanh', 'identity', 'mse');
    expect(() => prepare(engine, sgd, other, train, 8)).not.toThrow();
    engine.load(sgd, [{ rows: 3, cols: 4 }, { rows: 1, cols: 3 }], { seed: 1 });
    expect(() => engine.train({
      layers: [{ inputs: 4, outputs: 3, activation: 2 }, { inputs: 3, outputs: 2, activation: 0 }],
      loss: 0, train, validation, batchSize: 8, steps: 1,
    }, { seed: 1, curvature: false })).toThrow(/refused the task: an argument is out of range/);
  });
});
